using MathNet.Numerics;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Distributions;

/// <summary>
/// The multinomial distribution: the counts in each of K categories after n independent draws with
/// probabilities <c>probs</c>. The array is not copied: do not change it afterwards.
/// </summary>
public readonly struct Multinomial : IDistribution<int[]>, IHasMoments<double[]>
{
    private readonly double[] _probs;
    private readonly string? _error;

    /// <summary>Creates Multinomial(<paramref name="n"/>, <paramref name="probs"/>). Checked when used.</summary>
    public Multinomial(int n, double[] probs)
    {
        N = n;
        _probs = probs;
        _error = n < 0 ? $"n must be non-negative, got {n}" : ParameterChecks.ProbabilityVector("probs", probs);
    }

    /// <summary>The number of draws n ≥ 0.</summary>
    public int N { get; }

    /// <summary>The category probabilities (not a copy).</summary>
    public ReadOnlySpan<double> Probs => _probs;

    /// <inheritdoc />
    public string Family => "Multinomial";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => new(SupportKind.IntegerVector, 0, N, _probs?.Length ?? 0);

    /// <inheritdoc />
    public string? ParameterError => _probs is null ? "probs must not be null" : _error;

    /// <inheritdoc />
    public double[] Mean
    {
        get
        {
            var n = N;
            return _probs.Select(p => n * p).ToArray();
        }
    }

    /// <inheritdoc />
    public double[] Variance
    {
        get
        {
            var n = N;
            return _probs.Select(p => n * p * (1 - p)).ToArray();
        }
    }

    /// <inheritdoc />
    public int[] Sample(Rng rng)
    {
        Check();
        return MN.Multinomial.Sample(rng, _probs, N);
    }

    /// <inheritdoc />
    public double LogDensity(int[] value)
    {
        Check();
        if (value is null || value.Length != _probs.Length) return double.NegativeInfinity;
        var total = 0L;
        var lp = SpecialFunctions.FactorialLn(N);
        for (var k = 0; k < value.Length; k++)
        {
            if (value[k] < 0) return double.NegativeInfinity;
            total += value[k];
            lp += MathUtil.XLogY(value[k], _probs[k]) - SpecialFunctions.FactorialLn(value[k]);
        }
        return total == N ? lp : double.NegativeInfinity;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((int[])value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => _probs is null ? $"Multinomial({N}, null)" : $"Multinomial({N}, [{string.Join(", ", _probs)}])";
}
