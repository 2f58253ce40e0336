using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// The Unity package layout: build-package.sh puts the SDK, built for .NET Standard 2.1, into the
    /// com.gameserver.client package, and the sample's assembly definition references exactly what those assemblies
    /// need. No Unity editor runs here, so these are the checks that can fail without one.
    /// </summary>
    public sealed class UnityPackageTests
    {
        private static readonly string Sample = Path.Combine(RepoPaths.Root, "client-unity-sample");
        private static readonly string Package = Path.Combine(Sample, "Packages", "com.gameserver.client");

        // The .NET Standard 2.1 facade Unity provides, and the MessagePack-CSharp assemblies NuGetForUnity installs.
        private static readonly string[] s_providedByUnityOrNuGet = { "netstandard", "MessagePack", "MessagePack.Annotations" };

        [Fact]
        public void BuildPackageScript_PutsTheSdkIntoThePackage_BuiltForNetStandard21_NeedingOnlyMessagePack()
        {
            var build = Process.Start(new ProcessStartInfo("bash", Path.Combine(Sample, "build-package.sh")) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = build.StandardOutput.ReadToEnd() + build.StandardError.ReadToEnd();
            Assert.True(build.WaitForExit(180_000), "build-package.sh finished");
            Assert.True(build.ExitCode == 0, output);

            var sdk = new[] { "GameServer.Protocol", "GameServer.Client" };
            foreach (var name in sdk)
            {
                var (framework, references) = ReadAssembly(Path.Combine(Package, "Plugins", name + ".dll"));
                Assert.Equal(".NETStandard,Version=v2.1", framework);
                Assert.All(references, r => Assert.Contains(r, s_providedByUnityOrNuGet.Concat(sdk)));
                Assert.True(File.Exists(Path.Combine(Package, "Plugins", name + ".xml")), name + "'s API docs ship beside it");
            }
        }

        [Fact]
        public void ThePackageManifest_NamesThePackage_AndTheUnityVersionTheSampleTargets()
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Package, "package.json")));
            var root = manifest.RootElement;
            Assert.Equal("com.gameserver.client", root.GetProperty("name").GetString());
            Assert.Matches(@"^\d+\.\d+\.\d+$", root.GetProperty("version").GetString());
            var projectVersion = File.ReadAllText(Path.Combine(Sample, "ProjectSettings", "ProjectVersion.txt"));
            Assert.StartsWith(root.GetProperty("unity").GetString() + ".", Regex.Match(projectVersion, @"m_EditorVersion: (\S+)").Groups[1].Value);
        }

        [Fact]
        public void TheSamplesAssemblyDefinition_ReferencesTheSdkAndMessagePack_AndCoversTheSamplesScripts()
        {
            var asmdefs = Directory.GetFiles(Path.Combine(Sample, "Assets"), "*.asmdef", SearchOption.AllDirectories);
            var asmdef = Assert.Single(asmdefs);
            using var document = JsonDocument.Parse(File.ReadAllText(asmdef));
            var root = document.RootElement;
            Assert.True(root.GetProperty("overrideReferences").GetBoolean());
            var references = root.GetProperty("precompiledReferences").EnumerateArray().Select(e => e.GetString()).ToArray();
            Assert.Equal(
                new[] { "GameServer.Client.dll", "GameServer.Protocol.dll", "MessagePack.Annotations.dll", "MessagePack.dll" },
                references.OrderBy(r => r, StringComparer.Ordinal).ToArray());
            // Every script of the sample sits under the assembly definition's folder, so Unity compiles them into it.
            var folder = Path.GetDirectoryName(asmdef)!;
            Assert.All(Directory.GetFiles(Path.Combine(Sample, "Assets"), "*.cs", SearchOption.AllDirectories), f => Assert.StartsWith(folder, f));
        }

        [Fact]
        public void TheSampleHoldsNoProtocolOrConnectionCodeOfItsOwn()
        {
            // Wire encoding and sockets are the SDK's job (GameServer.Protocol, GameServer.Client); the sample draws and reads keys.
            var forbidden = new[] { "MessagePackWriter", "MessagePackReader", "ClientWebSocket", "WebSocket.", "MessagePackSerializer" };
            foreach (var file in Directory.GetFiles(Path.Combine(Sample, "Assets"), "*.cs", SearchOption.AllDirectories))
            {
                var text = File.ReadAllText(file);
                Assert.All(forbidden, word => Assert.False(text.Contains(word, StringComparison.Ordinal), Path.GetFileName(file) + " uses " + word));
            }
        }

        private static (string? Framework, List<string> References) ReadAssembly(string path)
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            var metadata = pe.GetMetadataReader();
            var references = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
            string? framework = null;
            foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
            {
                var attribute = metadata.GetCustomAttribute(handle);
                var ctor = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
                var type = metadata.GetTypeReference((TypeReferenceHandle)ctor.Parent);
                if (metadata.GetString(type.Name) == "TargetFrameworkAttribute")
                {
                    var blob = metadata.GetBlobReader(attribute.Value);
                    blob.ReadUInt16(); // prolog
                    framework = blob.ReadSerializedString();
                }
            }
            return (framework, references);
        }
    }
}
