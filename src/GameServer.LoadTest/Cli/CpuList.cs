using System.Globalization;

namespace GameServer.LoadTest.Cli;

/// <summary>CPU lists in taskset's syntax: "0", "0-1", "0,2-3".</summary>
internal static class CpuList
{
    /// <summary>Affinity masks here are 64 bits wide.</summary>
    public const int MaxCpus = 64;

    public static bool TryParse(string? text, out IReadOnlyList<int> cpus, out string error)
    {
        cpus = [];
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the CPU list is empty";
            return false;
        }
        var set = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', StringSplitOptions.TrimEntries);
            if (range.Length is < 1 or > 2
                || !TryCpu(range[0], out var first)
                || !TryCpu(range[^1], out var last))
            {
                error = $"'{part}' is not a CPU number or range like 0-3";
                return false;
            }
            if (last < first)
            {
                error = $"the range '{part}' runs backwards";
                return false;
            }
            for (var cpu = first; cpu <= last; cpu++)
            {
                set.Add(cpu);
            }
        }
        cpus = [.. set];
        return true;
    }

    public static ulong ToMask(IEnumerable<int> cpus) => cpus.Aggregate(0UL, (mask, cpu) => mask | (1UL << cpu));

    private static bool TryCpu(string text, out int cpu) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out cpu) && cpu < MaxCpus;
}
