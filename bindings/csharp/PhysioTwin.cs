// PhysioTwin.cs: a patient's twin from C#, over the C interface (bindings/c/include/physiotwin_c.h)
// through P/Invoke: the path a Unity plugin takes. Copy this one file into a Unity project's
// Assets/Scripts and the native library into Assets/Plugins (docs/engines.md, "Unity").
// C# 7.2 and .NET Standard 2.0 only: Unity's Mono and IL2CPP, and Mono from Debian (mcs), build it.
//
// Threads: one thread steps a twin (Advance and everything that changes it); any thread may
// call ReadLatest at any time, also while it steps. The rest reads the stepping thread's view:
// call it from that thread. A failure of the C library throws PhysioTwinException with its
// status and its one-line message.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace PhysioTwin
{
    /// <summary>The C interface's status codes (pt_status).</summary>
    public enum Status
    {
        Ok = 0,
        NullArgument = 1,
        InvalidInput = 2,
        Solver = 3,
        BufferTooSmall = 4,
        NotFound = 5,
        BudgetReached = 6,
        Io = 7,
        TwinFailed = 8,
        Calibration = 9,
        OutOfMemory = 10,
        Internal = 11,
    }

    /// <summary>A call into the twin library failed: its status and message (pt_last_error).</summary>
    public sealed class PhysioTwinException : Exception
    {
        public Status Status { get; }
        public PhysioTwinException(Status status, string message) : base(message) { Status = status; }
    }

    /// <summary>What TrustedFiles.Verify found (pt_verification).</summary>
    public enum Verification
    {
        /// <summary>Every dataset, attribute and group as signed, by a trusted key.</summary>
        Verified = 0,
        /// <summary>The file holds no signature.</summary>
        Unsigned = 1,
        /// <summary>An object changed, went or came, or the signature does not match.</summary>
        Tampered = 2,
        /// <summary>Intact and validly signed, by a key not among the trusted ones.</summary>
        Untrusted = 3,
    }

    /// <summary>A signal the twin shows: name ("lv.pressure"), unit, description, region.</summary>
    public sealed class SignalInfo
    {
        public int Index { get; internal set; }
        public string Name { get; internal set; }
        public string Unit { get; internal set; }
        public string Description { get; internal set; }
        public string Region { get; internal set; }
    }

    /// <summary>A per-beat or per-breath metric: name and unit.</summary>
    public sealed class MetricInfo
    {
        public string Name { get; internal set; }
        public string Unit { get; internal set; }
    }

    /// <summary>The library's pointer to one twin; destroyed once, when the last call using
    /// it has returned (a render thread reading while the twin is disposed is safe).</summary>
    internal sealed class TwinHandle : SafeHandle
    {
        private TwinHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle()
        {
            Native.pt_twin_destroy(handle);
            return true;
        }
    }

    internal static class Native
    {
        // "physiotwin_c": libphysiotwin_c.so on Linux and Android, physiotwin_c.dll on Windows,
        // libphysiotwin_c.dylib on macOS.
        private const string Library = "physiotwin_c";

        [DllImport(Library)] internal static extern IntPtr pt_version();
        [DllImport(Library)] internal static extern int pt_abi_version();
        [DllImport(Library)] internal static extern IntPtr pt_last_error();
        [DllImport(Library)] internal static extern Status pt_twin_create_from_files(byte[] model, byte[] patient, out TwinHandle twin);
        [DllImport(Library)] internal static extern Status pt_twin_create_from_files_with_key(byte[] model, byte[] patient, byte[] decryptionKey, out TwinHandle twin);
        [DllImport(Library)] internal static extern Status pt_twin_create_from_json(byte[] model, byte[] patient, out TwinHandle twin);
        [DllImport(Library)] internal static extern Status pt_twin_fork(TwinHandle twin, out TwinHandle fork);
        [DllImport(Library)] internal static extern void pt_twin_destroy(IntPtr twin);
        [DllImport(Library)] internal static extern Status pt_twin_snapshot(TwinHandle twin, [Out] byte[] buffer, UIntPtr capacity, out UIntPtr size);
        [DllImport(Library)] internal static extern Status pt_twin_restore_from_file(byte[] model, byte[] snapshot, UIntPtr size, out TwinHandle twin);
        [DllImport(Library)] internal static extern Status pt_twin_restore_from_json(byte[] model, byte[] snapshot, UIntPtr size, out TwinHandle twin);
        [DllImport(Library)] internal static extern Status pt_twin_advance(TwinHandle twin, double seconds);
        [DllImport(Library)] internal static extern Status pt_twin_set_budget(TwinHandle twin, ulong maxSolverSteps, double maxCpuSeconds);
        [DllImport(Library)] internal static extern double pt_twin_time(TwinHandle twin);
        [DllImport(Library)] internal static extern UIntPtr pt_twin_signal_count(TwinHandle twin);
        [DllImport(Library)] internal static extern IntPtr pt_twin_signal_name(TwinHandle twin, UIntPtr index);
        [DllImport(Library)] internal static extern IntPtr pt_twin_signal_unit(TwinHandle twin, UIntPtr index);
        [DllImport(Library)] internal static extern IntPtr pt_twin_signal_description(TwinHandle twin, UIntPtr index);
        [DllImport(Library)] internal static extern IntPtr pt_twin_signal_region(TwinHandle twin, UIntPtr index);
        [DllImport(Library)] internal static extern Status pt_twin_read_signals(TwinHandle twin, [Out] double[] values, UIntPtr capacity);
        [DllImport(Library)] internal static extern UIntPtr pt_twin_beat_metric_count(TwinHandle twin);
        [DllImport(Library)] internal static extern IntPtr pt_twin_beat_metric_name(TwinHandle twin, UIntPtr index);
        [DllImport(Library)] internal static extern IntPtr pt_twin_beat_metric_unit(TwinHandle twin, UIntPtr index);
        [DllImport(Library)] internal static extern UIntPtr pt_twin_breath_metric_count(TwinHandle twin);
        [DllImport(Library)] internal static extern IntPtr pt_twin_breath_metric_name(TwinHandle twin, UIntPtr index);
        [DllImport(Library)] internal static extern IntPtr pt_twin_breath_metric_unit(TwinHandle twin, UIntPtr index);
        [DllImport(Library)] internal static extern Status pt_twin_latest_beat(TwinHandle twin, [Out] double[] values, UIntPtr capacity, out double startTime);
        [DllImport(Library)] internal static extern Status pt_twin_latest_breath(TwinHandle twin, [Out] double[] values, UIntPtr capacity, out double startTime);
        [DllImport(Library)] internal static extern UIntPtr pt_twin_latest_size(TwinHandle twin);
        [DllImport(Library)] internal static extern Status pt_twin_read_latest(TwinHandle twin, [Out] double[] values, UIntPtr capacity, out ulong publication);
        [DllImport(Library)] internal static extern Status pt_twin_apply_action(TwinHandle twin, byte[] actionJson);
        [DllImport(Library)] internal static extern Status pt_twin_get_parameter(TwinHandle twin, byte[] name, out double value);
        [DllImport(Library)] internal static extern Status pt_twin_set_parameter(TwinHandle twin, byte[] name, double value);
        [DllImport(Library)] internal static extern Status pt_verify_file(byte[] path, byte[] trustedKeysDir, out Verification result, [Out] byte[] report, UIntPtr capacity, out UIntPtr reportSize);
        [DllImport(Library)] internal static extern Status pt_open_sealed(byte[] sealedBytes, UIntPtr size, byte[] keyPath, [Out] byte[] buffer, UIntPtr capacity, out UIntPtr plainSize);

        /// <summary>A C string (UTF-8, owned by the library) as a C# string; null for NULL.</summary>
        internal static string Text(IntPtr text)
        {
            if (text == IntPtr.Zero) return null;
            int length = 0;
            while (Marshal.ReadByte(text, length) != 0) ++length;
            var bytes = new byte[length];
            Marshal.Copy(text, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
        }

        /// <summary>A C# string as the NUL-terminated UTF-8 the library reads; null stays NULL.</summary>
        internal static byte[] Utf8(string text)
        {
            if (text == null) return null;
            var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
            Encoding.UTF8.GetBytes(text, 0, text.Length, bytes, 0);
            return bytes;
        }

        /// <summary>Throws for any status but Ok (and, where allowed, one more).</summary>
        internal static Status Check(Status status, Status alsoAllowed = Status.Ok)
        {
            if (status == Status.Ok || status == alsoAllowed) return status;
            throw new PhysioTwinException(status, Text(pt_last_error()));
        }
    }

    /// <summary>One patient's twin: heart, circulation and lungs, stepped by Advance().</summary>
    public sealed class Twin : IDisposable
    {
        private readonly TwinHandle handle;

        /// <summary>The library's version ("0.1.0") and the C interface's version number.</summary>
        public static string Version { get { return Native.Text(Native.pt_version()); } }
        public static int AbiVersion { get { return Native.pt_abi_version(); } }

        /// <summary>The signals, beat metrics and breath metrics, read once at creation.</summary>
        public SignalInfo[] Signals { get; private set; }
        public MetricInfo[] BeatMetrics { get; private set; }
        public MetricInfo[] BreathMetrics { get; private set; }

        /// <summary>How many numbers ReadLatest copies: time, signals, beat, breath metrics.</summary>
        public int LatestSize { get; private set; }

        private Twin(TwinHandle handle)
        {
            this.handle = handle;
            int n = (int)Native.pt_twin_signal_count(handle);
            Signals = new SignalInfo[n];
            for (int i = 0; i < n; ++i)
            {
                var at = (UIntPtr)i;
                Signals[i] = new SignalInfo
                {
                    Index = i,
                    Name = Native.Text(Native.pt_twin_signal_name(handle, at)),
                    Unit = Native.Text(Native.pt_twin_signal_unit(handle, at)),
                    Description = Native.Text(Native.pt_twin_signal_description(handle, at)),
                    Region = Native.Text(Native.pt_twin_signal_region(handle, at)),
                };
            }
            BeatMetrics = Metrics((int)Native.pt_twin_beat_metric_count(handle),
                                  Native.pt_twin_beat_metric_name, Native.pt_twin_beat_metric_unit);
            BreathMetrics = Metrics((int)Native.pt_twin_breath_metric_count(handle),
                                    Native.pt_twin_breath_metric_name, Native.pt_twin_breath_metric_unit);
            LatestSize = (int)Native.pt_twin_latest_size(handle);
        }

        private MetricInfo[] Metrics(int count, Func<TwinHandle, UIntPtr, IntPtr> name,
                                     Func<TwinHandle, UIntPtr, IntPtr> unit)
        {
            var metrics = new MetricInfo[count];
            for (int i = 0; i < count; ++i)
                metrics[i] = new MetricInfo { Name = Native.Text(name(handle, (UIntPtr)i)),
                                              Unit = Native.Text(unit(handle, (UIntPtr)i)) };
            return metrics;
        }

        /// <summary>A twin of a model file (docs/model-format.md) personalised to a patient
        /// file, a FHIR R4 record or a twin parameter file; patientPath null: the model's
        /// reference body. Calibrating to measured vitals takes about a second: create twins
        /// before the frame loop or on a worker thread. A patient file encrypted to your key
        /// (`physiotwin calibrate --encrypt-to`) is opened in memory with decryptionKeyPath,
        /// the private key file; null: encryption.key in the key folder. A wrong or missing key,
        /// a changed file, or a plain file given with a key throws (InvalidInput).</summary>
        public static Twin FromFiles(string modelPath, string patientPath = null, string decryptionKeyPath = null)
        {
            TwinHandle created;
            Native.Check(Native.pt_twin_create_from_files_with_key(Native.Utf8(modelPath), Native.Utf8(patientPath),
                                                                   Native.Utf8(decryptionKeyPath), out created));
            return new Twin(created);
        }

        /// <summary>The same from JSON text (e.g. a TextAsset's text in Unity).</summary>
        public static Twin FromJson(string modelJson, string patientJson = null)
        {
            TwinHandle created;
            Native.Check(Native.pt_twin_create_from_json(Native.Utf8(modelJson), Native.Utf8(patientJson), out created));
            return new Twin(created);
        }

        /// <summary>An independent twin in exactly this one's state: the past shared, the
        /// futures separate (try an intervention on the fork).</summary>
        public Twin Fork()
        {
            TwinHandle forked;
            Native.Check(Native.pt_twin_fork(handle, out forked));
            return new Twin(forked);
        }

        /// <summary>The twin's complete state as bytes (docs/snapshots.md): keep them, or
        /// write them to a file, and Restore() a twin that continues bit for bit.</summary>
        public byte[] Snapshot()
        {
            UIntPtr size;
            Native.Check(Native.pt_twin_snapshot(handle, null, UIntPtr.Zero, out size));
            var bytes = new byte[(int)size];
            Native.Check(Native.pt_twin_snapshot(handle, bytes, (UIntPtr)bytes.Length, out size));
            return bytes;
        }

        /// <summary>The twin a snapshot holds, on the model file it was taken with (a path);
        /// RestoreFromJson takes the model file's text.</summary>
        public static Twin Restore(string modelPath, byte[] snapshot)
        {
            TwinHandle restored;
            Native.Check(Native.pt_twin_restore_from_file(Native.Utf8(modelPath), snapshot,
                                                          (UIntPtr)(snapshot == null ? 0 : snapshot.Length), out restored));
            return new Twin(restored);
        }

        public static Twin RestoreFromJson(string modelJson, byte[] snapshot)
        {
            TwinHandle restored;
            Native.Check(Native.pt_twin_restore_from_json(Native.Utf8(modelJson), snapshot,
                                                          (UIntPtr)(snapshot == null ? 0 : snapshot.Length), out restored));
            return new Twin(restored);
        }

        /// <summary>Advances simulated time by `seconds` (e.g. Time.fixedDeltaTime) and
        /// publishes the new sample to ReadLatest. False when the budget (SetBudget) stopped it
        /// early: the twin is consistent at an earlier time and the next call catches up.</summary>
        public bool Advance(double seconds)
        {
            return Native.Check(Native.pt_twin_advance(handle, seconds), Status.BudgetReached) == Status.Ok;
        }

        /// <summary>Limits each Advance(): solver steps and this thread's CPU seconds (0: no limit).</summary>
        public void SetBudget(ulong maxSolverSteps, double maxCpuSeconds)
        {
            Native.Check(Native.pt_twin_set_budget(handle, maxSolverSteps, maxCpuSeconds));
        }

        /// <summary>The twin's simulated time, s.</summary>
        public double Time { get { return Native.pt_twin_time(handle); } }

        /// <summary>The index of a signal by name; throws (NotFound) if the model has none.</summary>
        public int SignalIndex(string name)
        {
            for (int i = 0; i < Signals.Length; ++i)
                if (Signals[i].Name == name) return i;
            throw new PhysioTwinException(Status.NotFound, string.Format("no signal named \"{0}\" in this model", name));
        }

        /// <summary>Every signal's current value, in index order, into `values` (at least
        /// Signals.Length long; reuse one array: nothing is allocated per call).</summary>
        public void ReadSignals(double[] values)
        {
            Native.Check(Native.pt_twin_read_signals(handle, values, (UIntPtr)Length(values)));
        }

        /// <summary>The last completed beat's metrics (BeatMetrics order) and start time;
        /// false before the first beat completes (about 2 s).</summary>
        public bool LatestBeat(double[] values, out double startTime)
        {
            return Native.Check(Native.pt_twin_latest_beat(handle, values, (UIntPtr)Length(values), out startTime),
                                Status.NotFound) == Status.Ok;
        }

        /// <summary>The same for the last breath (about 10 s before the first).</summary>
        public bool LatestBreath(double[] values, out double startTime)
        {
            return Native.Check(Native.pt_twin_latest_breath(handle, values, (UIntPtr)Length(values), out startTime),
                                Status.NotFound) == Status.Ok;
        }

        /// <summary>From any thread, while another advances the twin: the last published
        /// sample (time, signals, beat metrics, breath metrics; LatestSize numbers), never torn,
        /// never blocking. Returns the publication count (unchanged: nothing new).</summary>
        public ulong ReadLatest(double[] values)
        {
            ulong publication;
            Native.Check(Native.pt_twin_read_latest(handle, values, (UIntPtr)Length(values), out publication));
            return publication;
        }

        /// <summary>One action in the scenario format (docs/scenarios.md) as JSON, e.g.
        /// {"action": "hemorrhage", "rate": 100, "volume": 500}.</summary>
        public void ApplyAction(string actionJson)
        {
            Native.Check(Native.pt_twin_apply_action(handle, Native.Utf8(actionJson)));
        }

        /// <summary>A model parameter by name (`physiotwin params` lists them), in its unit.</summary>
        public double GetParameter(string name)
        {
            double value;
            Native.Check(Native.pt_twin_get_parameter(handle, Native.Utf8(name), out value));
            return value;
        }

        public void SetParameter(string name, double value)
        {
            Native.Check(Native.pt_twin_set_parameter(handle, Native.Utf8(name), value));
        }

        public void Dispose()
        {
            handle.Dispose();
        }

        private static int Length(double[] values)
        {
            if (values == null) throw new ArgumentNullException("values");
            return values.Length;
        }
    }

    /// <summary>Signed and encrypted files (docs/security.md): what `physiotwin verify` says of
    /// a file, and a twin or snapshot encrypted to your key opened. Both read whole files or
    /// key files: call them before the frame loop or on a worker thread.</summary>
    public static class TrustedFiles
    {
        /// <summary>Checks a physiotwin HDF5 file's signature and every object's digest, as
        /// `physiotwin verify` does; `report` is what it prints (the verdict, the signer's key
        /// id, each changed object on its own line). trustedKeysDir: a folder of trusted public
        /// keys (*.pub); null: the key folder ($PHYSIOTWIN_KEYS, else
        /// ~/.config/physiotwin/keys). Throws (Io) for a file that is not HDF5, (InvalidInput)
        /// for an encrypted file or unreadable trusted keys.</summary>
        public static Verification Verify(string path, string trustedKeysDir, out string report)
        {
            var buffer = new byte[8192];  // a report is a few lines; longer ones are asked again
            Verification result;
            UIntPtr size;
            var status = Native.Check(Native.pt_verify_file(Native.Utf8(path), Native.Utf8(trustedKeysDir), out result,
                                                            buffer, (UIntPtr)buffer.Length, out size),
                                      Status.BufferTooSmall);
            if (status == Status.BufferTooSmall)
            {
                buffer = new byte[(int)size];
                Native.Check(Native.pt_verify_file(Native.Utf8(path), Native.Utf8(trustedKeysDir), out result,
                                                   buffer, (UIntPtr)buffer.Length, out size));
            }
            report = Encoding.UTF8.GetString(buffer, 0, Math.Max((int)size - 1, 0));
            return result;
        }

        /// <summary>Content encrypted to your key opened: a twin parameter file from
        /// `physiotwin calibrate --encrypt-to` or Python's Model.save(encrypt_to=) (its text
        /// then to Twin.FromJson: OpenSealedText), or a snapshot from `run --snapshot-at
        /// --encrypt-to` or Twin.snapshot(encrypt_to=) (then to Twin.Restore). keyPath: the
        /// private key file (encryption.key); null: encryption.key in the key folder. Throws
        /// (InvalidInput), with the key ids or the chunk named and nothing returned, for plain
        /// content, content encrypted to another key, a changed, truncated or extended byte, or
        /// a missing, corrupt or exposed key file.</summary>
        public static byte[] OpenSealed(byte[] sealedBytes, string keyPath = null)
        {
            if (sealedBytes == null) throw new ArgumentNullException("sealedBytes");
            int length = sealedBytes.Length;
            // The plain content is shorter than the sealed one (a header and 17 bytes a chunk):
            // one call opens it.
            var buffer = new byte[length];
            UIntPtr size;
            Native.Check(Native.pt_open_sealed(sealedBytes, (UIntPtr)length, Native.Utf8(keyPath), buffer,
                                               (UIntPtr)buffer.Length, out size));
            var plain = new byte[(int)size];
            Array.Copy(buffer, plain, plain.Length);
            return plain;
        }

        /// <summary>The same as UTF-8 text: an encrypted twin parameter file's JSON.</summary>
        public static string OpenSealedText(byte[] sealedBytes, string keyPath = null)
        {
            return Encoding.UTF8.GetString(OpenSealed(sealedBytes, keyPath));
        }
    }
}
