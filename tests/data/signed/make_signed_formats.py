"""Makes signed-formats.h5 before it is signed (see README.md): every kind of HDF5 object and type
the signature covers, small. Run with /usr/bin/python3 (h5py)."""
import h5py, numpy as np
with h5py.File("signed-formats.h5", "w") as f:
    f.attrs["format"] = "physiotwin-signature-fixture"
    f.attrs["numbers"] = np.array([1.5, -2.25, 3e-300])
    g = f.create_group("series")
    # 2-D, chunked and compressed: several blocks at any small block size.
    g.create_dataset("matrix", data=np.arange(600 * 7, dtype=np.float64).reshape(600, 7) / 7.0,
                     chunks=(64, 7), compression="gzip")
    g.create_dataset("single", data=np.linspace(-1, 1, 1000, dtype=np.float32))
    g.create_dataset("counts", data=np.arange(257, dtype=np.int32) - 128)
    g.create_dataset("cube", data=np.arange(4 * 3 * 5, dtype=np.int16).reshape(4, 3, 5))
    g.create_dataset("empty", shape=(0,), maxshape=(None,), dtype=np.float64, chunks=(16,))
    g.create_dataset("scalar", data=42.0)
    g["matrix"].attrs["unit"] = "mmHg"
    s = f.create_group("text")
    s.create_dataset("variable", data=["hemorrhage", "", "ü-umlaut €", "x" * 300] * 50,
                     dtype=h5py.string_dtype("utf-8"))
    s.create_dataset("ascii", data=[b"a", b"bb", b"ccc"], dtype=h5py.string_dtype("ascii"))
    s.create_dataset("fixed", data=np.array([b"fixed", b"width"], dtype="S8"))
    s.attrs["names"] = np.array(["one", "two"], dtype=h5py.string_dtype("utf-8"))
    compound = np.array([(1, 2.5), (3, -4.0)], dtype=[("beat", "<i4"), ("time", "<f8")])
    f.create_dataset("records", data=compound)
    f.create_group("empty_group")
