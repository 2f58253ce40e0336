using System.Diagnostics;
using System.Globalization;

namespace GameServer.LoadTest.Measurement;

/// <summary>
/// Reads a process's CPU time (utime + stime from /proc/&lt;pid&gt;/stat) and resident memory (VmRSS from
/// /proc/&lt;pid&gt;/status), as WORKLOAD.md measures servers, and for the server also its context switches, summed over
/// its threads (see <see cref="ContextSwitchCounter"/>). Without /proc (not Linux) only the tool itself can be sampled,
/// through <see cref="Process"/>.
/// </summary>
internal sealed class ProcessSampler
{
    /// <summary>USER_HZ: /proc reports CPU time in 1/100 s on every mainstream Linux build.</summary>
    private const double ClockTicksPerSecond = 100;

    private const string VoluntaryField = "voluntary_ctxt_switches:";
    private const string NonvoluntaryField = "nonvoluntary_ctxt_switches:";

    private readonly bool _useProc;
    private readonly ContextSwitchCounter? _contextSwitches;
    private ProcessSample _last;

    private ProcessSampler(int pid, bool useProc, bool countContextSwitches)
    {
        Pid = pid;
        _useProc = useProc;
        _contextSwitches = useProc && countContextSwitches ? new ContextSwitchCounter() : null;
    }

    public int Pid { get; }

    /// <summary>False once the process has gone (a later read returns the last sample).</summary>
    public bool Alive { get; private set; } = true;

    public static ProcessSampler ForSelf()
    {
        var pid = Environment.ProcessId;
        // Its own context switches are not reported, and reading every thread's status each second is not free.
        return new ProcessSampler(pid, File.Exists($"/proc/{pid}/stat"), countContextSwitches: false);
    }

    /// <summary>The server: CPU, memory and context switches. Null when there is no such process in /proc.</summary>
    public static ProcessSampler? ForProcess(int pid) =>
        File.Exists($"/proc/{pid}/stat") ? new ProcessSampler(pid, useProc: true, countContextSwitches: true) : null;

    public ProcessSample Read()
    {
        var at = Clock.Now;
        try
        {
            if (_useProc)
            {
                _last = new ProcessSample(at, ReadCpuSeconds(Pid), ReadRssMb(Pid), _contextSwitches?.Add(ReadThreadContextSwitches(Pid)));
            }
            else
            {
                using var self = Process.GetCurrentProcess();
                _last = new ProcessSample(at, self.TotalProcessorTime.TotalSeconds, self.WorkingSet64 / (1024.0 * 1024.0));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            Alive = false;
            _last = _last with { At = at };
        }
        return _last;
    }

    /// <summary>utime + stime: fields 14 and 15 of /proc/&lt;pid&gt;/stat, counted after the ")" that ends the command name.</summary>
    public static double ParseCpuSeconds(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    /// <summary>"VmRSS:   123456 kB" from /proc/&lt;pid&gt;/status, in MiB; 0 if absent (a zombie).</summary>
    public static double ParseRssMb(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                return Math.Round(kb / 1024.0, 1);
            }
        }
        return 0;
    }

    /// <summary>
    /// voluntary_ctxt_switches and nonvoluntary_ctxt_switches from a /proc/&lt;pid&gt;/task/&lt;tid&gt;/status (one thread's
    /// counts; in /proc/&lt;pid&gt;/status, the main thread's only); null when the kernel does not show them.
    /// </summary>
    public static ContextSwitches? ParseContextSwitches(string status)
    {
        long? voluntary = null;
        long? nonvoluntary = null;
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(VoluntaryField, StringComparison.Ordinal))
            {
                voluntary = long.Parse(line.AsSpan(VoluntaryField.Length).Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith(NonvoluntaryField, StringComparison.Ordinal))
            {
                nonvoluntary = long.Parse(line.AsSpan(NonvoluntaryField.Length).Trim(), CultureInfo.InvariantCulture);
            }
        }
        return voluntary is { } v && nonvoluntary is { } n ? new ContextSwitches(v, n) : null;
    }

    /// <summary>Every live thread's counts. A thread that exits while being read is skipped: its last counts are in the previous read.</summary>
    private static List<KeyValuePair<int, ContextSwitches>> ReadThreadContextSwitches(int pid)
    {
        var threads = new List<KeyValuePair<int, ContextSwitches>>();
        foreach (var directory in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var threadId))
            {
                continue;
            }
            string status;
            try
            {
                status = File.ReadAllText(Path.Combine(directory, "status"));
            }
            catch (IOException)
            {
                continue; // gone between the listing and the read (ENOENT or ESRCH)
            }
            if (ParseContextSwitches(status) is { } counts)
            {
                threads.Add(new(threadId, counts));
            }
        }
        return threads;
    }

    private static double ReadCpuSeconds(int pid) => ParseCpuSeconds(File.ReadAllText($"/proc/{pid}/stat"));

    private static double ReadRssMb(int pid) => ParseRssMb(File.ReadAllText($"/proc/{pid}/status"));
}
