using System.Reflection;
using Xunit.Sdk;

namespace GameServer.Testing;

/// <summary>
/// The log guard: a test fails when a host it used logged a Warning or Error it did not expect (see
/// <see cref="TestLogScope"/>, <see cref="AllowLogAttribute"/>). On a test class or a <c>[CollectionDefinition]</c> class.
/// xunit reports the failure next to the test's own exception, if it had one.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class CheckLogsAttribute : BeforeAfterTestAttribute
{
    // xunit makes a new instance for each test, so the scope can live here; Before runs in the test's async flow, so
    // TestLogScope.Current reaches the test body.
    private TestLogScope? _scope;

    public override void Before(MethodInfo methodUnderTest) => _scope = TestLogScope.Begin(methodUnderTest);

    public override void After(MethodInfo methodUnderTest) => _scope?.End();
}
