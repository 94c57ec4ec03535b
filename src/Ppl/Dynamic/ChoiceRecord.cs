using Ppl.Distributions;

namespace Ppl.Dynamic;

/// <summary>One random choice or observation of a dynamic trace: its value, log density and distribution.</summary>
internal readonly record struct ChoiceRecord(object Value, double LogDensity, IDistribution Distribution);
