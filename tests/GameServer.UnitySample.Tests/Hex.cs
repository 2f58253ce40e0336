using System;
using System.Linq;

namespace GameServer.UnitySample.Tests
{
    /// <summary>Hex dumps in docs/protocol.md's format: lowercase bytes separated by spaces.</summary>
    internal static class Hex
    {
        public static string Of(byte[] bytes) => string.Join(" ", bytes.Select(b => b.ToString("x2")));

        public static byte[] Parse(string hex) =>
            hex.Split(new[] { ' ', '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries).Select(b => Convert.ToByte(b, 16)).ToArray();
    }
}
