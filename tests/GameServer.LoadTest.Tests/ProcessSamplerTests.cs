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
}
