"""Builds the compiled module with CMake (the repository's own build) and installs the
package from bindings/python/physiotwin with the shipped models inside it (docs/python.md)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = Path(self.build_temp).resolve() / "cmake"
        build.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
             "-DPHYSIOTWIN_BUILD_TESTS=OFF", "-DPHYSIOTWIN_BUILD_BENCHMARKS=OFF",
             "-DPHYSIOTWIN_BUILD_EXAMPLES=OFF", "-DPHYSIOTWIN_BUILD_PYTHON=ON",
             f"-DPython_EXECUTABLE={sys.executable}"], check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "_physiotwin", "-j",
                        str(os.cpu_count() or 1)], check=True)
        built = build / "python" / "physiotwin"
        target = Path(self.get_ext_fullpath(ext.name)).parent
        target.mkdir(parents=True, exist_ok=True)
        for module in built.glob("_physiotwin*.so"):
            shutil.copy2(module, target / module.name)
        shutil.copytree(built / "models", target / "models", dirs_exist_ok=True)


setup(
    packages=["physiotwin"],
    package_dir={"physiotwin": "bindings/python/physiotwin"},
    package_data={"physiotwin": ["*.pyi", "py.typed"]},
    ext_modules=[CMakeExtension("physiotwin._physiotwin")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
