using System.Reflection;
using GameServer.LoadTest.Results;
using GameServer.Protocol;

namespace GameServer.LoadTest.Measurement;

/// <summary>
/// Every error the players met, by kind, with close codes and protocol error codes counted by name and the first few
/// messages kept verbatim. Errors are rare, so one lock is fine.
/// </summary>
internal sealed class ErrorLog
{
    public const int MaxSamples = 20;

    private static readonly Dictionary<int, string> s_errorCodeNames = typeof(ErrorCode)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(int))
        .ToDictionary(f => (int)f.GetRawConstantValue()!, f => f.Name);

    private readonly object _gate = new();
    private readonly Dictionary<string, long> _closeCodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _errorCodes = new(StringComparer.Ordinal);
    private readonly List<string> _samples = [];
    private readonly Queue<string> _unreported = new();
    private long _connectFailures;
    private long _joinFailures;
    private long _joinRefusals;
    private long _disconnects;
    private long _protocolErrors;
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public static string ErrorCodeName(int code) => s_errorCodeNames.TryGetValue(code, out var name) ? name : $"Code{code}";

    public void ConnectFailed(string player, string why) => Add(ref _connectFailures, null, null, $"{player}: connect failed: {why}");

    /// <param name="errorCode">The server's refusal, when it sent one (counted by name).</param>
    public void JoinFailed(string player, int? errorCode, string why)
    {
        if (errorCode == ErrorCode.JoinRefused)
        {
            Interlocked.Increment(ref _joinRefusals); // the game said no (e.g. a full team): counted apart from the other join failures too
        }
        Add(ref _joinFailures, null, errorCode is { } code ? ErrorCodeName(code) : null, $"{player}: join failed: {why}");
    }

    /// <param name="closeCode">
    /// The close status, "none" when the socket dropped without one, or "left:&lt;reason&gt;" when the player lost its seat:
    /// the server removed it, or after a reconnect the seat could not be resumed ("left:resume-failed").
    /// </param>
    /// <param name="errorCode">The server's error that ended the seat (e.g. ResumeExpired), counted by name.</param>
    public void Disconnected(string player, string closeCode, string why, int? errorCode = null) =>
        Add(ref _disconnects, closeCode, errorCode is { } code ? ErrorCodeName(code) : null, $"{player}: disconnected ({closeCode}): {why}");

    public void ProtocolError(string player, int code, string message) =>
        Add(ref _protocolErrors, null, ErrorCodeName(code), $"{player}: server error {ErrorCodeName(code)} ({code}): {message}");

    /// <summary>An observer could not decode the game state (counted with protocol errors, as "StateDecodeFailed").</summary>
    public void StateDecodeFailed(string player, string message) =>
        Add(ref _protocolErrors, null, "StateDecodeFailed", $"{player}: could not decode the game state: {message}");

    /// <summary>Sample messages not yet handed to the progress display.</summary>
    public IReadOnlyList<string> TakeUnreported()
    {
        lock (_gate)
        {
            var messages = _unreported.ToArray();
            _unreported.Clear();
            return messages;
        }
    }

    public ErrorSummary Summary()
    {
        lock (_gate)
        {
            return new ErrorSummary
            {
                Total = _total,
                ConnectFailures = _connectFailures,
                JoinFailures = _joinFailures,
                JoinRefusals = Interlocked.Read(ref _joinRefusals),
                Disconnects = _disconnects,
                ProtocolErrors = _protocolErrors,
                CloseCodes = new SortedDictionary<string, long>(_closeCodes, StringComparer.Ordinal),
                ErrorCodes = new SortedDictionary<string, long>(_errorCodes, StringComparer.Ordinal),
                Samples = [.. _samples],
            };
        }
    }

    private void Add(ref long kind, string? closeCode, string? errorCode, string message)
    {
        lock (_gate)
        {
            kind++;
            _total++;
            if (closeCode is not null)
            {
                _closeCodes[closeCode] = _closeCodes.GetValueOrDefault(closeCode) + 1;
            }
            if (errorCode is not null)
            {
                _errorCodes[errorCode] = _errorCodes.GetValueOrDefault(errorCode) + 1;
            }
            if (_samples.Count < MaxSamples)
            {
                _samples.Add(message);
                _unreported.Enqueue(message);
            }
        }
    }
}
