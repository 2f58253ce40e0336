using System.Runtime.InteropServices;

namespace GameServer.LoadTest.Server;

/// <summary>Linux calls .NET has no API for: SIGTERM to a child (a graceful stop), and pinning every thread to CPUs.</summary>
internal static class Signals
{
    private const int SigTerm = 15;

    /// <summary>Asks a process to shut down gracefully; false if the signal could not be sent.</summary>
    public static bool Terminate(int pid) => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? Kill(pid, SigTerm) == 0 : false;

    /// <summary>
    /// Pins every thread of this process to <paramref name="mask"/>. Setting Process.ProcessorAffinity on Linux pins
    /// only the main thread, and the runtime's threads already exist; new threads inherit their creator's affinity, so
    /// pinning all of them now covers the threads to come.
    /// </summary>
    public static void PinAllThreads(ulong mask)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new SetupException("--bot-cpus needs Linux (sched_setaffinity); run the tool under your OS's own affinity tool instead.");
        }
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            var tid = int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture);
            var copy = mask;
            if (SchedSetAffinity(tid, sizeof(ulong), ref copy) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == 3)
                {
                    continue; // ESRCH: the thread ended since the listing
                }
                throw new SetupException($"--bot-cpus: sched_setaffinity failed (errno {errno}); the CPUs may not exist or be allowed here (see nproc / taskset -p $$).");
            }
        }
    }

    // DllImport rather than LibraryImport: the generated marshalling for `ref` needs unsafe code enabled, for two calls.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int SchedSetAffinity(int pid, nint cpuSetSize, ref ulong mask);
}
