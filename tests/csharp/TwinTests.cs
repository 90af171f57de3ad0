// The C interface from C# through P/Invoke (bindings/csharp/PhysioTwin.cs), as a Unity plugin
// meets it, run with Mono from Debian: create from files and from JSON text, step at 90 Hz,
// read signals and metrics, a render thread reading while the twin steps, a fork that bleeds
// beside one that does not, parameters, a budget, errors as exceptions with the library's
// status and message, and signed and encrypted files (TrustedFiles) on the files
// tests/c/make_signed_files.py made.
//   mono TwinTests.exe MODELS_DIR FHIR_RECORD SIGNED_FILES_DIR
//   (the native library on LD_LIBRARY_PATH; PHYSIOTWIN_KEYS the key that signed them)
using System;
using System.IO;
using System.Threading;
using PhysioTwin;

internal static class TwinTests
{
    private static int failures;

    private static void Check(bool condition, string what)
    {
        if (condition) return;
        Console.Error.WriteLine("failed: " + what);
        ++failures;
    }

    private static PhysioTwinException Throws(Action call, Status expected, string what)
    {
        try
        {
            call();
        }
        catch (PhysioTwinException e)
        {
            Check(e.Status == expected, what + ": status " + e.Status + ", expected " + expected);
            Check(!string.IsNullOrEmpty(e.Message), what + ": a message");
            return e;
        }
        Check(false, what + ": no exception");
        return null;
    }

    private static void Frames(Twin twin, int frames)
    {
        for (int i = 0; i < frames; ++i) Check(twin.Advance(1.0 / 90.0), "an unbudgeted frame completes");
    }

    private static double Signal(Twin twin, string name)
    {
        var values = new double[twin.Signals.Length];
        twin.ReadSignals(values);
        return values[twin.SignalIndex(name)];
    }

    /// <summary>Whether two twins show the same signals to the last bit.</summary>
    private static bool SameSignals(Twin a, Twin b)
    {
        var mine = new double[a.Signals.Length];
        var theirs = new double[b.Signals.Length];
        a.ReadSignals(mine);
        b.ReadSignals(theirs);
        bool same = mine.Length == theirs.Length;
        for (int i = 0; same && i < mine.Length; ++i)
            same = BitConverter.DoubleToInt64Bits(mine[i]) == BitConverter.DoubleToInt64Bits(theirs[i]);
        return same;
    }

    // TrustedFiles.Verify says what `physiotwin verify` says of the files signed with the
    // default key (PHYSIOTWIN_KEYS, set by ctest); an unsigned model file is unsigned.
    private static void CheckVerification(string folder, string unsignedJson)
    {
        string report;
        string signed = Path.Combine(folder, "signed.h5");
        Check(TrustedFiles.Verify(signed, null, out report) == Verification.Verified, "a signed file verifies");
        Check(report.Contains(": verified: every object as signed by key") && !report.Contains("\0"),
              "the report says so: " + report);
        // Trusting only this folder's keys (none): intact, but untrusted.
        Check(TrustedFiles.Verify(signed, folder, out report) == Verification.Untrusted && report.Contains("not among the trusted keys"),
              "an intact file signed by a key not trusted: " + report);
        Check(TrustedFiles.Verify(Path.Combine(folder, "tampered.h5"), null, out report) == Verification.Tampered
              && report.Contains("changed: dataset /beats/heart_rate"), "a changed value names its dataset: " + report);
        Check(TrustedFiles.Verify(Path.Combine(folder, "unsigned.h5"), null, out report) == Verification.Unsigned, "an unsigned file");
        Check(TrustedFiles.Verify(unsignedJson, null, out report) == Verification.Unsigned, "an unsigned JSON file");
        Throws(() => TrustedFiles.Verify(Path.Combine(folder, "not_a_twin.txt"), null, out report), Status.Io, "neither HDF5 nor JSON");
        Throws(() => TrustedFiles.Verify(null, null, out report), Status.NullArgument, "no path");
    }

    // TrustedFiles.OpenSealed and Twin.FromFiles open the twin `calibrate --encrypt-to` wrote,
    // which then runs bit for bit as the plain one; a changed byte, plain content, no key and a public key in its
    // place each throw, nothing returned.
    private static void CheckSealedTwin(string folder, string model)
    {
        byte[] sealedTwin = File.ReadAllBytes(Path.Combine(folder, "twin.sealed"));
        string plainPath = Path.Combine(folder, "twin.json");
        string key = Path.Combine(folder, "encryption-keys", "encryption.key");
        string opened = TrustedFiles.OpenSealedText(sealedTwin, key);
        Check(opened.TrimStart().StartsWith("{"), "the opened twin is JSON");
        using (var fromSealed = Twin.FromJson(File.ReadAllText(model), opened))
        using (var fromPlain = Twin.FromFiles(model, plainPath))
        {
            Frames(fromSealed, 90);
            Frames(fromPlain, 90);
            Check(SameSignals(fromSealed, fromPlain), "the encrypted twin runs bit for bit as the plain one");
        }
        // Twin.FromFiles opens the sealed file itself with the key given; without one, the key
        // folder (PHYSIOTWIN_KEYS) has none to open it with; a plain file given with a key throws.
        using (var fromSealedFile = Twin.FromFiles(model, Path.Combine(folder, "twin.sealed"), key))
        using (var fromPlain = Twin.FromFiles(model, plainPath))
        {
            Frames(fromSealedFile, 90);
            Frames(fromPlain, 90);
            Check(SameSignals(fromSealedFile, fromPlain), "Twin.FromFiles with the key runs the sealed twin bit for bit");
        }
        Throws(() => Twin.FromFiles(model, Path.Combine(folder, "twin.sealed")), Status.InvalidInput,
               "a sealed twin without a key");
        Throws(() => Twin.FromFiles(model, plainPath, key), Status.InvalidInput, "a plain twin given with a key");
        sealedTwin[sealedTwin.Length - 20] ^= 1;
        var changed = Throws(() => TrustedFiles.OpenSealed(sealedTwin, key), Status.InvalidInput, "a changed byte");
        Check(changed != null && changed.Message.Contains("chunk"), "the message names the chunk");
        sealedTwin[sealedTwin.Length - 20] ^= 1;
        Throws(() => TrustedFiles.OpenSealed(File.ReadAllBytes(plainPath), key), Status.InvalidInput, "plain content");
        // No key given, and the key folder (PHYSIOTWIN_KEYS) holds no encryption key.
        Throws(() => TrustedFiles.OpenSealed(sealedTwin), Status.InvalidInput, "no key");
        Throws(() => TrustedFiles.OpenSealed(sealedTwin, Path.Combine(folder, "encryption-keys", "encryption.pub")),
               Status.InvalidInput, "a public key where the private one belongs");
        try
        {
            TrustedFiles.OpenSealed(null, key);
            Check(false, "no content: no exception");
        }
        catch (ArgumentNullException)
        {
        }
    }

    private static int Main(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: TwinTests.exe MODELS_DIR FHIR_RECORD SIGNED_FILES_DIR");
            return 2;
        }
        string model = Path.Combine(args[0], "circulation", "adult.json");
        Check(!string.IsNullOrEmpty(Twin.Version) && Twin.AbiVersion >= 1, "version");

        using (var twin = Twin.FromFiles(model))
        {
            // ---- what the twin shows ----
            int aorta = twin.SignalIndex("aorta.pressure");
            Check(twin.Signals[aorta].Unit == "mmHg", "aorta.pressure in mmHg");
            Check(!string.IsNullOrEmpty(twin.Signals[aorta].Region), "a region");
            Check(twin.BeatMetrics[0].Name == "heart_rate", "the first beat metric is the heart rate");
            Check(twin.BreathMetrics.Length > 0, "the adult breathes");
            Check(twin.LatestSize == 1 + twin.Signals.Length + twin.BeatMetrics.Length + twin.BreathMetrics.Length,
                  "the render thread's sample: time, signals, beat, breath");

            // ---- a render thread copies the latest sample while this one steps (as fast as it
            // can: 12 s of simulated time pass in tens of milliseconds) ----
            var stop = false;
            long copies = 0, badCopies = 0;
            var reader = new Thread(() =>
            {
                var sample = new double[twin.LatestSize];
                ulong last = 0;
                while (!Volatile.Read(ref stop))
                {
                    ulong publication = twin.ReadLatest(sample);
                    // time is the first number; a sample is one advance's: time moves forward
                    if (publication < last || double.IsNaN(sample[0]) || double.IsNaN(sample[1 + aorta])) ++badCopies;
                    last = publication;
                    Interlocked.Increment(ref copies);
                    Thread.Yield();
                }
            });
            reader.Start();
            // On a loaded machine the reader may not be scheduled at once: stepping starts once
            // it reads, so the two overlap however busy the cores are.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Interlocked.Read(ref copies) == 0 && DateTime.UtcNow < deadline) Thread.Sleep(1);

            var beat = new double[twin.BeatMetrics.Length];
            double beatStart;
            Check(!twin.LatestBeat(beat, out beatStart), "no beat before the first completes");
            Frames(twin, 12 * 90);
            Check(Math.Abs(twin.Time - 12.0) < 1e-9, "1080 frames of 1/90 s make 12 s");
            Check(twin.LatestBeat(beat, out beatStart), "a beat after 12 s");
            // The reference adult at rest, about 70 /min (docs/validation.md): the wiring is
            // tested here, the physiology in tests/validation.
            Check(beat[0] > 55 && beat[0] < 85, "resting heart rate " + beat[0]);
            var breath = new double[twin.BreathMetrics.Length];
            double breathStart;
            Check(twin.LatestBreath(breath, out breathStart), "a breath after 12 s");

            while (Interlocked.Read(ref copies) <= 10 && DateTime.UtcNow < deadline) Thread.Sleep(1);
            Volatile.Write(ref stop, true);
            reader.Join();
            Check(copies > 10 && badCopies == 0, "render thread: " + copies + " copies, " + badCopies + " bad");
            var latest = new double[twin.LatestSize];
            twin.ReadLatest(latest);
            Check(latest[0] == twin.Time, "the latest sample is the last advance's");
            Check(latest[1 + aorta] == Signal(twin, "aorta.pressure"), "the same pressure both ways");

            // ---- a fork bleeds, the twin does not (issue 14: forks from C#) ----
            using (var bleeding = twin.Fork())
            {
                Check(bleeding.Time == twin.Time, "a fork starts where its twin is");
                bleeding.ApplyAction("{\"action\": \"hemorrhage\", \"rate\": 500, \"volume\": 1500}");
                Frames(bleeding, 180 * 90);
                Frames(twin, 180 * 90);
                var bled = new double[bleeding.BeatMetrics.Length];
                var rest = new double[twin.BeatMetrics.Length];
                double start;
                Check(bleeding.LatestBeat(bled, out start) && twin.LatestBeat(rest, out start), "beats after bleeding");
                // 1.5 L lost (30% of the adult's 5 L): the baroreflex speeds the heart and the
                // pressure falls (ATLS class III); the numbers are validated in tests/validation,
                // here only the direction (+5 /min and -10 mmHg are well beyond the noise).
                Check(bled[0] > rest[0] + 5, "heart rate " + rest[0] + " -> " + bled[0] + " /min after 1.5 L");
                int map = Array.FindIndex(twin.BeatMetrics, m => m.Name == "mean_arterial_pressure");
                Check(map >= 0 && bled[map] < rest[map] - 10,
                      "mean arterial pressure " + rest[map] + " -> " + bled[map] + " mmHg after 1.5 L");
            }

            // ---- a snapshot restores a twin that continues bit for bit ----
            byte[] snapshot = twin.Snapshot();
            Check(snapshot.Length > 1000, "a snapshot of a few kilobytes");
            using (var restored = Twin.Restore(model, snapshot))
            {
                Check(restored.Time == twin.Time, "restored at the snapshot's time");
                Frames(restored, 90);
                Frames(twin, 90);
                Check(SameSignals(twin, restored), "a restored twin continues bit for bit");
            }
            var cut = new byte[snapshot.Length / 2];
            Array.Copy(snapshot, cut, cut.Length);
            Throws(() => Twin.Restore(model, cut), Status.InvalidInput, "half a snapshot");

            // ---- parameters ----
            twin.SetParameter("heart.rate", 90);
            Check(twin.GetParameter("heart.rate") == 90, "heart.rate set to 90");
            var range = Throws(() => twin.SetParameter("heart.rate", 1e6), Status.InvalidInput, "an out-of-range value");
            Check(range != null && range.Message.Contains("heart.rate"), "the message names the parameter");
            Throws(() => twin.GetParameter("no.such"), Status.NotFound, "an unknown parameter");
            Throws(() => twin.ApplyAction("{not json"), Status.InvalidInput, "an action that is not JSON");
            Throws(() => twin.ReadSignals(new double[2]), Status.BufferTooSmall, "a buffer too small");
            Throws(() => twin.SignalIndex("no.such.signal"), Status.NotFound, "an unknown signal");

            // ---- a budget stops a call early; the next calls catch up ----
            twin.SetBudget(3, 0.0);
            Check(!twin.Advance(0.5), "three solver steps do not make half a second");
            twin.SetBudget(0, 0.0);
            Check(twin.Advance(0.5), "without a budget the call completes");
        }

        // ---- from JSON text, with a health record ----
        using (var fromRecord = Twin.FromJson(File.ReadAllText(model), File.ReadAllText(args[1])))
        {
            Frames(fromRecord, 90);
            Check(fromRecord.Time > 0.99, "a twin of a FHIR record steps");
        }

        // ---- bad input: a status and a message, never a crash ----
        Throws(() => Twin.FromFiles(Path.Combine(args[0], "no-such-model.json")), Status.InvalidInput, "a missing model file");
        Throws(() => Twin.FromJson("{\"format\": \"physiotwin-circulation\"}"), Status.InvalidInput, "a model without compartments");
        Throws(() => Twin.FromFiles(null), Status.NullArgument, "no model at all");

        // ---- signed and encrypted files ----
        CheckVerification(args[2], model);
        CheckSealedTwin(args[2], model);

        if (failures > 0) Console.Error.WriteLine(failures + " check(s) failed");
        else Console.WriteLine("C# through P/Invoke: all checks passed");
        return failures > 0 ? 1 : 0;
    }
}
