using System.Buffers;
using GameServer.Protocol;
using MessagePack;

namespace GameServer.Client;

/// <summary>
/// Writes string join options (e.g. <c>{ team: red }</c>) as the MessagePack map a game reads. Written by hand with
/// <see cref="MessagePackWriter"/>, no reflection or generated formatters, so it runs under IL2CPP and NativeAOT.
/// </summary>
internal static class JoinOptionsMap
{
    /// <summary>The map's bytes, keys in ordinal order (the same options always give the same bytes).</summary>
    /// <exception cref="ArgumentException">The map is larger than <see cref="JoinOptions.MaxBytes"/>.</exception>
    public static byte[] Write(IReadOnlyDictionary<string, string> options, string paramName)
    {
        if (options is null)
        {
            throw new ArgumentNullException(paramName);
        }
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(options.Count);
        foreach (var pair in options.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.Write(pair.Key);
            writer.Write(pair.Value);
        }
        writer.Flush();
        return Check(buffer.WrittenMemory, paramName).ToArray();
    }

    /// <summary>Refuses options over <see cref="JoinOptions.MaxBytes"/> here, where the caller can see why, rather than on the server.</summary>
    public static ReadOnlyMemory<byte> Check(ReadOnlyMemory<byte> options, string paramName) =>
        options.Length > JoinOptions.MaxBytes
            ? throw new ArgumentException($"Join options are {options.Length} bytes of MessagePack; the server takes at most {JoinOptions.MaxBytes}.", paramName)
            : options;
}
