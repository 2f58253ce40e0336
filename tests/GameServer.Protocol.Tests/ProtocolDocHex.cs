using System.Text;
using System.Text.RegularExpressions;

namespace GameServer.Protocol.Tests;

/// <summary>Reads the hex dumps of docs/protocol.md, so a test can check that the page shows the bytes the code writes.</summary>
internal static class ProtocolDocHex
{
    private static readonly Regex s_leadingHex = new("^(?:[0-9a-f]{2}(?: +|$))+");

    /// <summary>
    /// Every dump on the page as one string: a dump may wrap over lines and end in a note ("(44 bytes)"), so the
    /// leading hex of consecutive lines is joined, and any other line breaks the run ("|").
    /// </summary>
    public static string All()
    {
        var joined = new StringBuilder();
        foreach (var line in File.ReadLines(RepoPaths.ProtocolDoc))
        {
            var match = s_leadingHex.Match(line);
            joined.Append(match.Success ? match.Value.Trim() + " " : "| ");
        }
        return Regex.Replace(joined.ToString(), " +", " ");
    }

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
}
