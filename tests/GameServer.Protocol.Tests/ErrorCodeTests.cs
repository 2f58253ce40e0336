using System.Reflection;
using GameServer.Protocol;

namespace GameServer.Protocol.Tests;

public class ErrorCodeTests
{
    [Fact]
    public void Name_OfEveryDeclaredCode_IsItsConstantName()
    {
        var constants = typeof(ErrorCode).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).ToArray();
        Assert.NotEmpty(constants);
        foreach (var field in constants)
        {
            Assert.Equal(field.Name, ErrorCode.Name((int)field.GetRawConstantValue()!));
        }
    }

    [Fact]
    public void Name_OfAnUnknownCode_IsTheNumber() => Assert.Equal("99", ErrorCode.Name(99));
}
