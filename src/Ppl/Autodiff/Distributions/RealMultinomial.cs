using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// Multinomial counts with <see cref="Real"/> (or data) probabilities: the differentiable counterpart of
/// <see cref="Multinomial"/>, observed as a whole vector (a simplex choice's likelihood: counts ~ Multinomial(n, p)).
/// log P(k) = log n! − Σ log kᵢ! + Σ kᵢ log pᵢ, one operation differentiated in the probabilities.
/// </summary>
public readonly struct RealMultinomial : IRealVectorObservation<int[]>
{
    private readonly int _n;
    private readonly Real[]? _probs;
    private readonly double[]? _probsData;

    /// <summary>Creates the family from random (<paramref name="probs"/>) or data (<paramref name="probsData"/>) probabilities.</summary>
    internal RealMultinomial(int n, Real[]? probs, double[]? probsData)
    {
        _n = n;
        _probs = probs;
        _probsData = probsData;
    }

    /// <inheritdoc />
    public string Family => "Multinomial";

    private int Length => _probs?.Length ?? _probsData?.Length ?? 0;

    private double P(int k) => _probs is { } p ? p[k].Value : _probsData![k];

    /// <inheritdoc />
    public string? ParameterError => AtValuesCore().ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => AtValuesCore();

    private Multinomial AtValuesCore() => new(_n, _probs is { } p ? RealVectorBuffers.Values(p) : _probsData!);

    /// <inheritdoc />
    public Real LogDensity(int[] value)
    {
        var n = Length;
        if (value is null || n == 0 || value.Length != n || _n < 0) return double.NaN;
        double sum = 0;
        for (var k = 0; k < n; k++)
        {
            var p = P(k);
            if (!(p >= 0 && p <= 1)) return double.NaN;
            sum += p;
        }
        if (!(Math.Abs(sum - 1) <= 1e-8 * Math.Max(1, n))) return double.NaN;
        var total = 0L;
        var lp = SpecialFunctions.FactorialLn(_n);
        RealVectorBuffers.Partials(n, out _, out var partials);
        for (var k = 0; k < n; k++)
        {
            if (value[k] < 0) return double.NegativeInfinity;
            total += value[k];
            var p = P(k);
            lp += MathUtil.XLogY(value[k], p) - SpecialFunctions.FactorialLn(value[k]);
            partials[k] = value[k] == 0 ? 0 : value[k] / p;
        }
        if (total != _n) return double.NegativeInfinity;
        return _probs is { } probs ? Real.FromPartials(lp, probs, partials) : lp;
    }

    /// <inheritdoc />
    public override string ToString() => $"Multinomial({_n}, {Length} probabilities)";
}
