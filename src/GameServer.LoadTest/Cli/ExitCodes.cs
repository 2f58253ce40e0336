namespace GameServer.LoadTest.Cli;

/// <summary>The tool's exit codes, as --help lists them.</summary>
internal static class ExitCodes
{
    public const int Passed = 0;
    public const int SloMissed = 1;
    public const int UsageOrSetup = 2;
    public const int ToolFailed = 3;
}
