using System.Diagnostics;
using System.Globalization;

namespace GameServer.LoadTest.Measurement;

/// <summary>
/// Reads a process's CPU time (utime + stime from /proc/&lt;pid&gt;/stat) and resident memory (VmRSS from
/// /proc/&lt;pid&gt;/status), as WORKLOAD.md measures servers. Without /proc (not Linux) only the tool itself can be
/// sampled, through <see cref="Process"/>.
/// </summary>
internal sealed class ProcessSampler
{
    /// <summary>USER_HZ: /proc reports CPU time in 1/100 s on every mainstream Linux build.</summary>
    private const double ClockTicksPerSecond = 100;

    private readonly bool _useProc;
    private ProcessSample _last;

    private ProcessSampler(int pid, bool useProc)
    {
        Pid = pid;
        _useProc = useProc;
    }

    public int Pid { get; }

    /// <summary>False once the process has gone (a later read returns the last sample).</summary>
    public bool Alive { get; private set; } = true;

    public static ProcessSampler ForSelf()
    {
        var pid = Environment.ProcessId;
        return new ProcessSampler(pid, File.Exists($"/proc/{pid}/stat"));
    }

    /// <summary>Null when there is no such process in /proc.</summary>
    public static ProcessSampler? ForProcess(int pid) =>
        File.Exists($"/proc/{pid}/stat") ? new ProcessSampler(pid, useProc: true) : null;

    public ProcessSample Read()
    {
        var at = Clock.Now;
        try
        {
            if (_useProc)
            {
                _last = new ProcessSample(at, ReadCpuSeconds(Pid), ReadRssMb(Pid));
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

    private static double ReadCpuSeconds(int pid) => ParseCpuSeconds(File.ReadAllText($"/proc/{pid}/stat"));

    private static double ReadRssMb(int pid) => ParseRssMb(File.ReadAllText($"/proc/{pid}/status"));
}
