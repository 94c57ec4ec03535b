using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The categorical distribution over 0, …, K − 1 with <see cref="Real"/> probabilities: the differentiable
/// counterpart of <see cref="Categorical"/>. The array is not copied: do not change it afterwards. As in the
/// double family, the vector is checked once when the distribution is made (entries in [0, 1], sum 1 within
/// 1e-8·max(1, K)), so <see cref="LogProbability"/> is O(1). log P(k) = log pₖ is differentiated in pₖ alone:
/// the constraint Σ p = 1 is the caller's to keep.
/// </summary>
public readonly struct RealCategorical : IRealDiscrete<int>, IRealFiniteDiscrete
{
    private readonly Real[] _probs;
    private readonly bool _valid;

    /// <summary>Creates Categorical(<paramref name="probs"/>); the probabilities must sum to 1. Checked when used.</summary>
    public RealCategorical(Real[] probs)
    {
        _probs = probs;
        _valid = IsProbabilityVector(probs);
    }

    /// <summary>The probabilities (not a copy).</summary>
    public ReadOnlySpan<Real> Probs => _probs;

    /// <inheritdoc />
    public string Family => "Categorical";

    /// <inheritdoc />
    public string? ParameterError
    {
        get
        {
            if (_valid) return null;
            if (_probs is null) return "probs must not be null";
            var values = new double[_probs.Length];
            for (var i = 0; i < values.Length; i++) values[i] = _probs[i].Value;
            return ParameterChecks.ProbabilityVector("probs", values);
        }
    }

    /// <inheritdoc />
    public IDistribution AtValues()
    {
        var values = new double[_probs?.Length ?? 0];
        for (var i = 0; i < values.Length; i++) values[i] = _probs![i].Value;
        return new Categorical(values);
    }

    /// <inheritdoc />
    public long SupportMin => 0;

    /// <inheritdoc />
    public long SupportMax => (_probs?.Length ?? 0) - 1;

    /// <inheritdoc />
    public Real LogProbability(int value)
    {
        if (!_valid) return double.NaN;
        if (value < 0 || value >= _probs.Length) return double.NegativeInfinity;
        ref readonly var pk = ref _probs[value];
        var p = pk.Value;
        return p == 0 ? double.NegativeInfinity : Real.Unary(Math.Log(p), pk, 1.0 / p);
    }

    /// <summary>The test of <c>ParameterChecks.ProbabilityVector</c> without the message.</summary>
    private static bool IsProbabilityVector(Real[]? p)
    {
        if (p is null || p.Length == 0) return false;
        double sum = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var v = p[i].Value;
            if (!(v >= 0) || v > 1) return false;
            sum += v;
        }
        return Math.Abs(sum - 1) <= 1e-8 * Math.Max(1, p.Length);
    }

    /// <inheritdoc />
    public override string ToString() => $"Categorical([{string.Join(", ", _probs ?? [])}])";
}
