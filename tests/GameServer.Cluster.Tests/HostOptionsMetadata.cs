using System.Collections.Immutable;
using System.ComponentModel;
using System.Globalization;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.Extensions.Configuration;

namespace GameServer.Cluster.Tests;

/// <summary>
/// Checks configuration against an options class inside a host executable (internal to it) by reading the built
/// assembly's metadata, without loading it: an Orleans client in this process scans every loaded assembly, and the
/// hosts' references (e.g. GameServer.Admin) are not in the test's output.
/// </summary>
internal static class HostOptionsMetadata
{
    /// <summary>The public settable properties of <paramref name="typeName"/> in <paramref name="project"/>'s build, by name.</summary>
    public static IReadOnlyDictionary<string, Type> Properties(string project, string typeName)
    {
        using var stream = File.OpenRead(RepoPaths.HostDll(project));
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(handle);
            if ($"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}" != typeName)
            {
                continue;
            }
            var properties = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
            foreach (var propertyHandle in type.GetProperties())
            {
                var property = metadata.GetPropertyDefinition(propertyHandle);
                var setter = property.GetAccessors().Setter;
                if (setter.IsNil || (metadata.GetMethodDefinition(setter).Attributes & System.Reflection.MethodAttributes.Public) == 0)
                {
                    continue;
                }
                var signature = property.DecodeSignature(new PrimitiveTypes(), genericContext: null);
                properties[metadata.GetString(property.Name)] = signature.ReturnType;
            }
            return properties;
        }
        throw new InvalidOperationException($"{typeName} not found in {RepoPaths.HostDll(project)}.");
    }

    /// <summary>Keys of <paramref name="section"/> that match no property, or whose value does not convert to its type.</summary>
    public static IEnumerable<string> BindingErrors(IConfigurationSection section, IReadOnlyDictionary<string, Type> properties, string typeName)
    {
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var type))
            {
                yield return $"{child.Path}: {typeName} has no property {child.Key}.";
                continue;
            }
            var converter = TypeDescriptor.GetConverter(type);
            string? error = null;
            try
            {
                converter.ConvertFromString(null, CultureInfo.InvariantCulture, child.Value ?? "");
            }
            catch (Exception ex) when (ex is FormatException or NotSupportedException || ex.InnerException is FormatException)
            {
                error = $"{child.Path}: '{child.Value}' is not a {type.Name}.";
            }
            if (error is not null)
            {
                yield return error;
            }
        }
    }

    // Options of the hosts hold only primitives; anything else is reported as object and fails conversion checks loudly.
    private sealed class PrimitiveTypes : ISignatureTypeProvider<Type, object?>
    {
        public Type GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
        {
            PrimitiveTypeCode.Boolean => typeof(bool),
            PrimitiveTypeCode.Int32 => typeof(int),
            PrimitiveTypeCode.Int64 => typeof(long),
            PrimitiveTypeCode.Double => typeof(double),
            PrimitiveTypeCode.String => typeof(string),
            _ => typeof(object),
        };

        public Type GetArrayType(Type elementType, ArrayShape shape) => typeof(object);
        public Type GetByReferenceType(Type elementType) => typeof(object);
        public Type GetFunctionPointerType(MethodSignature<Type> signature) => typeof(object);
        public Type GetGenericInstantiation(Type genericType, ImmutableArray<Type> typeArguments) => typeof(object);
        public Type GetGenericMethodParameter(object? genericContext, int index) => typeof(object);
        public Type GetGenericTypeParameter(object? genericContext, int index) => typeof(object);
        public Type GetModifiedType(Type modifier, Type unmodifiedType, bool isRequired) => unmodifiedType;
        public Type GetPinnedType(Type elementType) => elementType;
        public Type GetPointerType(Type elementType) => typeof(object);
        public Type GetSZArrayType(Type elementType) => typeof(object);
        public Type GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => typeof(object);
        public Type GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => typeof(object);
        public Type GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => typeof(object);
    }
}
