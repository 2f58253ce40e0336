using System.Reflection;
using System.Text.RegularExpressions;
using GameServer.Testing;

namespace GameServer.Protocol.Tests;

/// <summary>
/// The wire messages have one reader and one writer, <see cref="MessageCodec"/>: a second one (the Unity sample once
/// carried a hand-written copy) drifts with every protocol change. Fails if code outside GameServer.Protocol keeps its
/// own copy of the message type codes, or drives a MessagePack reader or writer and names a wire message type.
/// </summary>
public sealed class OneCodecTests
{
    private static readonly (string Name, int Code)[] s_messageTypes = typeof(MessageType)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (f.Name, (int)f.GetRawConstantValue()!))
        .ToArray();

    // Where code that speaks to a server or a client lives, including the Unity sample and the benchmarks.
    private static readonly string[] s_scannedFolders = ["src", "client-unity-sample", "bench"];

    [Fact]
    public void NoCodeOutsideTheProtocolProject_ReadsOrWritesWireMessagesWithMessagePack()
    {
        var protocolProject = Path.Combine(RepoRoot.Path, "src", "GameServer.Protocol") + Path.DirectorySeparatorChar;
        var files = s_scannedFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, folder), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.StartsWith(protocolProject, StringComparison.Ordinal) && !IsBuildOutput(f))
            .ToList();

        Assert.True(files.Count > 50, $"the scan found the sources ({files.Count} files)");
        var offenders = files.Where(f => CodesWireMessages(File.ReadAllText(f))).Select(f => Path.GetRelativePath(RepoRoot.Path, f));
        Assert.Empty(offenders);
    }

    [Theory]
    // The hand-written copy client-unity-sample/Assets/GameServer/Runtime once had: its own codes, and a writer using them.
    [InlineData("public static class MessageTypes { public const int Join = 1; public const int Input = 2; }", true)]
    [InlineData("var writer = new MessagePackWriter(buffer); writer.WriteArrayHeader(2); writer.Write(MessageTypes.Ping);", true)]
    [InlineData("internal const byte Snapshot = 11;", true)]
    // Writing a frame from the protocol's constants by hand, beside the codec.
    [InlineData("var w = new MessagePackWriter(buffer); w.Write(MessageType.Input);", true)]
    // A game writing its own state, or code using the codec: fine.
    [InlineData("public override void WriteState(ref MessagePackWriter writer) { writer.WriteArrayHeader(6); }", false)]
    [InlineData("if (MessageCodec.PeekType(frame) == MessageType.Snapshot) { }", false)]
    [InlineData("if (result.MessageType == WebSocketMessageType.Close) { var r = new MessagePackReader(x); }", false)]
    public void TheDetector_FindsACopyOfTheCodec_AndLeavesGameStateCodeAlone(string source, bool expected)
    {
        Assert.Equal(expected, CodesWireMessages(source));
    }

    private static bool CodesWireMessages(string source)
    {
        var drivesMessagePack = source.Contains("MessagePackReader", StringComparison.Ordinal) || source.Contains("MessagePackWriter", StringComparison.Ordinal);
        foreach (var (name, code) in s_messageTypes)
        {
            // A copy of the codes is where a second codec starts, whatever file later uses it.
            if (Regex.IsMatch(source, $@"\bconst\s+(int|byte|uint|sbyte|short|long)\s+{name}\s*=\s*{code}\s*;"))
            {
                return true;
            }
            // MessageType.X or a copy's MessageTypes.X, not WebSocketMessageType.X.
            if (drivesMessagePack && Regex.IsMatch(source, $@"(?<![\w.])MessageTypes?\.{name}\b"))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
}
