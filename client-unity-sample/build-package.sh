#!/usr/bin/env bash
# Builds the SDK the Unity package carries: GameServer.Protocol and GameServer.Client for .NET Standard 2.1 (Unity's API
# profile), copied into Packages/com.gameserver.client/Plugins. Unity compiles C# 9, so the SDK ships built, not as
# sources. MessagePack-CSharp itself comes from NuGetForUnity (see README.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
plugins="$here/Packages/com.gameserver.client/Plugins"
dotnet build "$repo/src/GameServer.Client/GameServer.Client.csproj" -c Release -f netstandard2.1 -nologo -v quiet
mkdir -p "$plugins"
for name in GameServer.Protocol GameServer.Client; do
  cp "$repo/src/GameServer.Client/bin/Release/netstandard2.1/$name.dll" "$repo/src/GameServer.Client/bin/Release/netstandard2.1/$name.xml" "$plugins/"
done
echo "Unity package SDK built into $plugins"
