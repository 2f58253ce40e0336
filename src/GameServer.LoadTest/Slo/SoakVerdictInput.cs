using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Slo;

/// <summary>What the SLO needs to judge a --churn soak: its figures, the growth limit (--slo-max-growth, %) and the run's error count.</summary>
internal sealed record SoakVerdictInput(SoakSummary Soak, double MaxGrowthPercent, long Errors);
