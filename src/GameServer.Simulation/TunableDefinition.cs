namespace GameServer.Simulation;

/// <summary>
/// One number a game lets designers tune per room type or per room (e.g. arena speed), with its range, so the admin
/// API and page can validate changes and show the allowed values.
/// </summary>
/// <param name="Name">Key in configuration and the admin API, e.g. <c>"MaxSpeed"</c>.</param>
/// <param name="Default">Value when configuration does not set it.</param>
/// <param name="Min">Smallest allowed value.</param>
/// <param name="Max">Largest allowed value.</param>
/// <param name="Unit">Shown next to the value, e.g. <c>"units/s"</c>.</param>
/// <param name="Description">What it does to the game.</param>
public sealed record TunableDefinition(string Name, double Default, double Min, double Max, string Unit, string Description)
{
    /// <summary>Null when <paramref name="value"/> is allowed; otherwise why not.</summary>
    public string? Check(double value) =>
        double.IsFinite(value) && value >= Min && value <= Max ? null : $"{Name} = {value} is out of range; allowed {Min}–{Max} {Unit}.".TrimEnd(' ', '.') + ".";
}
