namespace Ppl.Distributions;

/// <summary>
/// The categorical distribution over the indices 0, …, K − 1 with probabilities <c>probs</c>. The array is
/// not copied (so that building one in a model does not allocate twice): do not change it afterwards.
/// </summary>
public readonly struct Categorical : IFiniteDistribution<int>, IHasMoments<double>
{
    private readonly double[] _probs;
    private readonly string? _error;

    /// <summary>Creates Categorical(<paramref name="probs"/>); the probabilities must sum to 1. Checked when used.</summary>
    public Categorical(double[] probs)
    {
        _probs = probs;
        // Checking the whole vector once here keeps Sample/LogDensity O(1); the error is still raised lazily.
        _error = ParameterChecks.ProbabilityVector("probs", probs);
    }

    /// <summary>Creates the categorical distribution with probabilities proportional to exp(<paramref name="logWeights"/>).</summary>
    public static Categorical FromLogWeights(ReadOnlySpan<double> logWeights)
    {
        var probs = new double[logWeights.Length];
        var lse = MathUtil.LogSumExp(logWeights);
        if (!double.IsFinite(lse))
        {
            // Leave the invalid weights in place so the parameter error reports them.
            for (var i = 0; i < probs.Length; i++) probs[i] = double.NaN;
            return new Categorical(probs);
        }
        for (var i = 0; i < probs.Length; i++) probs[i] = Math.Exp(logWeights[i] - lse);
        return new Categorical(probs);
    }

    /// <summary>The probabilities (not a copy).</summary>
    public ReadOnlySpan<double> Probs => _probs;

    /// <inheritdoc />
    public string Family => "Categorical";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => Support.IntegerRange(0, (_probs?.Length ?? 1) - 1);

    /// <inheritdoc />
    public string? ParameterError => _probs is null ? "probs must not be null" : _error;

    /// <inheritdoc />
    public double Mean
    {
        get
        {
            double m = 0;
            for (var k = 0; k < _probs.Length; k++) m += k * _probs[k];
            return m;
        }
    }

    /// <inheritdoc />
    public double Variance
    {
        get
        {
            double m = Mean, v = 0;
            for (var k = 0; k < _probs.Length; k++) v += (k - m) * (k - m) * _probs[k];
            return v;
        }
    }

    /// <inheritdoc />
    public int SupportSize => _probs.Length;

    /// <inheritdoc />
    public int SupportValue(int index) =>
        index >= 0 && index < _probs.Length ? index : throw new ArgumentOutOfRangeException(nameof(index));

    /// <inheritdoc />
    public int Sample(Rng rng)
    {
        Check();
        return rng.DrawFinite(this);
    }

    /// <inheritdoc />
    public int SampleDirect(Rng rng) => rng.DrawIndex(_probs);

    /// <inheritdoc />
    public double LogDensity(int value)
    {
        Check();
        return value >= 0 && value < _probs.Length ? Math.Log(_probs[value]) : double.NegativeInfinity;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((int)value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => _probs is null ? "Categorical(null)" : $"Categorical([{string.Join(", ", _probs)}])";
}
