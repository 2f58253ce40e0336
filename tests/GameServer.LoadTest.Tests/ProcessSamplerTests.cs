using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Tests;

public sealed class ProcessSamplerTests
{
    [Fact]
    public void ParseCpuSeconds_AddsUtimeAndStime_EvenWithSpacesInTheCommandName()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        const string stat = "4242 (my (odd) server) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 130 0 0 20 0 12 0";

        Assert.Equal(3.8, ProcessSampler.ParseCpuSeconds(stat), precision: 6);
    }

    [Fact]
    public void ParseRssMb_ReadsVmRssInMebibytes()
    {
        const string status = "Name:\tdotnet\nVmPeak:\t  999999 kB\nVmRSS:\t  204800 kB\nThreads:\t20\n";

        Assert.Equal(200, ProcessSampler.ParseRssMb(status));
    }

    [Fact]
    public void ParseContextSwitches_ReadsBothCountsFromAThreadsStatus()
    {
        var counts = ProcessSampler.ParseContextSwitches(ThreadStatusSample);

        Assert.Equal(new ContextSwitches(Voluntary: VoluntarySample, Nonvoluntary: NonvoluntarySample), counts);
    }

    [Fact]
    public void ParseContextSwitches_WithoutTheFields_IsNull()
    {
        Assert.Null(ProcessSampler.ParseContextSwitches("Name:\tdotnet\nVmRSS:\t  204800 kB\n"));
    }

    [Fact]
    public void Read_ProcessSampler_CountsTheSwitchesOfEveryThreadNotOnlyTheMainOne()
    {
        // /proc/<pid>/status counts the main thread only; these switches happen on another thread, which must stay
        // alive until the second read (a thread that exits between reads takes its last increase with it).
        var sampler = ProcessSampler.ForProcess(Environment.ProcessId);
        Assert.NotNull(sampler);
        var before = sampler.Read();
        using var slept = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var sleeper = new Thread(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                Thread.Sleep(1); // each sleep blocks: one voluntary switch at least
            }
            slept.Set();
            release.Wait();
        });
        sleeper.Start();
        Assert.True(slept.Wait(TimeSpan.FromSeconds(10)));

        var after = sampler.Read();
        release.Set();
        sleeper.Join();

        var switches = after.ContextSwitches!.Value - before.ContextSwitches!.Value;
        Assert.True(switches.Voluntary >= 50, $"{switches.Voluntary} voluntary switches");
        Assert.True(sampler.Alive);
    }

    [Fact]
    public void Read_OwnProcessAsTheTool_DoesNotCountContextSwitches()
    {
        Assert.Null(ProcessSampler.ForSelf().Read().ContextSwitches);
    }

    [Fact]
    public void ContextSwitchesPerSecondSince_IsTheIncreaseOverWallTime_AndNullWhenNotCounted()
    {
        var second = System.Diagnostics.Stopwatch.Frequency;
        var earlier = new ProcessSample(At: 0, CpuSeconds: 10, RssMb: 50, new ContextSwitches(1_000, 100));
        var later = new ProcessSample(At: 2 * second, CpuSeconds: 13, RssMb: 60, new ContextSwitches(9_000, 700));

        Assert.Equal((4_000.0, 300.0), later.ContextSwitchesPerSecondSince(earlier));
        Assert.Null((later with { ContextSwitches = null }).ContextSwitchesPerSecondSince(earlier));
    }

    [Fact]
    public void Read_OwnProcess_SeesCpuTimeAndMemory()
    {
        var sampler = ProcessSampler.ForSelf();
        var sample = sampler.Read();

        Assert.True(sample.CpuSeconds > 0);
        Assert.True(sample.RssMb > 1);
        Assert.True(sampler.Alive);
    }

    [Fact]
    public void CpuPercentSince_IsCpuTimeOverWallTimeAsPercentOfOneCore()
    {
        var second = System.Diagnostics.Stopwatch.Frequency;
        var earlier = new ProcessSample(At: 0, CpuSeconds: 10, RssMb: 50);
        var later = new ProcessSample(At: 2 * second, CpuSeconds: 13, RssMb: 60);

        Assert.Equal(150, later.CpuPercentSince(earlier));
    }

    /// <summary>
    /// A real /proc/&lt;pid&gt;/status of the embedded host, just after a run started (cut to some of its lines; a thread's
    /// /proc/&lt;pid&gt;/task/&lt;tid&gt;/status has the same ones).
    /// </summary>
    private const string ThreadStatusSample =
        "Name:\tdotnet\n" +
        "Umask:\t0022\n" +
        "State:\tS (sleeping)\n" +
        "Tgid:\t7184\n" +
        "Pid:\t7184\n" +
        "PPid:\t7062\n" +
        "VmHWM:\t  237804 kB\n" +
        "VmRSS:\t  237804 kB\n" +
        "Threads:\t29\n" +
        "Cpus_allowed_list:\t0-1\n" +
        "Mems_allowed_list:\t0\n" +
        "voluntary_ctxt_switches:\t94\n" +
        "nonvoluntary_ctxt_switches:\t1878\n";

    private const long VoluntarySample = 94;
    private const long NonvoluntarySample = 1878;
}
