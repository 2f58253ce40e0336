using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace GameServer.Protocol.Tests;

/// <summary>
/// The shipped Protocol assembly never reaches MessagePack's serializer, resolvers or formatter attributes: those need
/// runtime code generation (not available under IL2CPP or NativeAOT), and MessagePack 2.5 carries no
/// <c>RequiresDynamicCode</c> annotations, so the AOT analyzer alone would not notice a call creeping back.
/// </summary>
public class ProtocolAssemblyTests
{
    private static readonly string[] s_dynamicApis =
    [
        "MessagePackSerializer", "MessagePackSerializerOptions", "IFormatterResolver", "IMessagePackFormatter`1",
        "UnionAttribute", "MessagePackObjectAttribute", "KeyAttribute", "MessagePackFormatterAttribute", "MessagePackSecurity",
    ];

    [Fact]
    public void ProtocolAssembly_ReferencesNoSerializerResolverOrFormatterAttribute()
    {
        using var stream = File.OpenRead(typeof(MessageCodec).Assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();

        var referenced = metadata.TypeReferences
            .Select(handle => metadata.GetTypeReference(handle))
            .Where(type => metadata.GetString(type.Namespace).StartsWith("MessagePack", StringComparison.Ordinal))
            .Select(type => $"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}")
            .ToArray();

        Assert.Contains("MessagePack.MessagePackReader", referenced); // the scan does see MessagePack references
        Assert.DoesNotContain(referenced, name => s_dynamicApis.Any(api => name.EndsWith("." + api, StringComparison.Ordinal)) || name.Contains("Resolver", StringComparison.Ordinal));
    }
}
