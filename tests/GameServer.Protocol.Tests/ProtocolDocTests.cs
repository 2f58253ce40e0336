using System.Globalization;
using System.Reflection;

namespace GameServer.Protocol.Tests;

/// <summary>
/// docs/protocol.md's code tables against the constants in code, so neither can change without the other: every row
/// of §9 (error codes) and §10 (close codes) names a constant with that number, and every constant has a row.
/// </summary>
public class ProtocolDocTests
{
    /// <summary>How §9 marks a number that is deliberately unused.</summary>
    private const string NotAssigned = "*(not assigned)*";

    [Theory]
    [InlineData("## 9. Error codes", typeof(ErrorCode))]
    [InlineData("## 10. Close codes", typeof(CloseCode))]
    public void CodeTable_HasOneRowPerConstantInCode(string heading, Type codes)
    {
        var documented = ReadCodeTable(heading)
            .Where(row => row.Name != NotAssigned)
            .Select(row => $"{row.Code} {row.Name}")
            .ToArray();

        var inCode = codes.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral)
            .Select(field => (Code: (int)field.GetRawConstantValue()!, field.Name))
            .OrderBy(constant => constant.Code)
            .Select(constant => $"{constant.Code} {constant.Name}")
            .ToArray();

        Assert.Equal(inCode, documented);
    }

    /// <summary>
    /// The code and name columns of the first table under <paramref name="heading"/>. The table ends at the first line
    /// that does not start with '|', as it does when Markdown renders it: rows after a stray blank line are not in it.
    /// </summary>
    private static List<(int Code, string Name)> ReadCodeTable(string heading)
    {
        var lines = File.ReadAllLines(RepoPaths.ProtocolDoc);
        var start = Array.IndexOf(lines, heading);
        Assert.True(start >= 0, $"No line '{heading}' in {RepoPaths.ProtocolDoc}.");

        var table = lines.Skip(start + 1)
            .TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal))
            .SkipWhile(line => !line.StartsWith('|'))
            .TakeWhile(line => line.StartsWith('|'))
            .Select(Cells)
            .ToList();
        Assert.True(table.Count > 2, $"No table under '{heading}'.");
        Assert.Equal(new[] { "Code", "Name" }, table[0].Take(2));

        // table[1] is the |---:|---| line under the header.
        return table.Skip(2)
            .Select(cells => (int.Parse(cells[0], CultureInfo.InvariantCulture), cells[1]))
            .ToList();
    }

    /// <summary>The trimmed cells of a table row: "| 1 | Name | x |" gives ["1", "Name", "x"].</summary>
    private static string[] Cells(string row) => row.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();
}
