using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Output;

/// <summary>Where the run talks to the user: a live Spectre.Console table on a terminal, plain lines otherwise.</summary>
internal interface IRunView
{
    void Info(string message);

    void Warn(string message);

    void Error(string message);

    /// <summary>Runs <paramref name="body"/> with a callback that shows one frame per second.</summary>
    Task<T> RunAsync<T>(Func<Action<ProgressFrame>, Task<T>> body);

    void Summary(LoadTestResult result, string jsonPath, string htmlPath);
}
