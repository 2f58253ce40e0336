#if !NET5_0_OR_GREATER
// netstandard2.1 lacks this marker type; the compiler needs it for records and init accessors.
namespace System.Runtime.CompilerServices;

internal static class IsExternalInit
{
}
#endif
