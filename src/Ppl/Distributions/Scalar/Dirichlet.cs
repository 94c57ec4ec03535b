using MathNet.Numerics;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Distributions;

/// <summary>
/// The Dirichlet distribution on the simplex {x : xₖ ≥ 0, Σ xₖ = 1} in ℝᴷ with concentrations α. The
/// density is with respect to Lebesgue measure on the first K − 1 coordinates. The array is not copied:
/// do not change it afterwards.
/// </summary>
public readonly struct Dirichlet : IDistribution<double[]>, IHasMoments<double[]>, IHasBijector<double[]>
{
    private readonly double[] _alpha;
    private readonly string? _error;
    private readonly double _logNormalizer;

    /// <summary>Creates Dirichlet(<paramref name="alpha"/>). Checked when used.</summary>
    public Dirichlet(double[] alpha)
    {
        _alpha = alpha;
        _error = Validate(alpha);
        _logNormalizer = 0;
        if (_error is null)
        {
            double sum = 0, lg = 0;
            foreach (var a in alpha)
            {
                sum += a;
                lg += SpecialFunctions.GammaLn(a);
            }
            _logNormalizer = SpecialFunctions.GammaLn(sum) - lg;
        }
    }

    private static string? Validate(double[]? alpha)
    {
        if (alpha is null) return "alpha must not be null";
        if (alpha.Length == 0) return "alpha must not be empty";
        for (var k = 0; k < alpha.Length; k++)
            if (ParameterChecks.Positive($"alpha[{k}]", alpha[k]) is { } e) return e;
        return null;
    }

    /// <summary>The concentrations α (not a copy).</summary>
    public ReadOnlySpan<double> Alpha => _alpha;

    /// <summary>The dimension K.</summary>
    public int Dimension => _alpha?.Length ?? 0;

    /// <inheritdoc />
    public string Family => "Dirichlet";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.SimplexOf(Dimension);

    /// <inheritdoc />
    public string? ParameterError => _alpha is null ? "alpha must not be null" : _error;

    /// <inheritdoc />
    public double[] Mean
    {
        get
        {
            var total = _alpha.Sum();
            return _alpha.Select(a => a / total).ToArray();
        }
    }

    /// <inheritdoc />
    public double[] Variance
    {
        get
        {
            var total = _alpha.Sum();
            return _alpha.Select(a => a * (total - a) / (total * total * (total + 1))).ToArray();
        }
    }

    /// <inheritdoc />
    public IBijector<double[]> Bijector => new StickBreakingBijector(Dimension);

    /// <inheritdoc />
    public double[] Sample(Rng rng)
    {
        Check();
        return MN.Dirichlet.Sample(rng, _alpha);
    }

    /// <inheritdoc />
    public double LogDensity(double[] value)
    {
        Check();
        if (value is null || value.Length != _alpha.Length) return double.NegativeInfinity;
        double sum = 0, lp = _logNormalizer;
        for (var k = 0; k < value.Length; k++)
        {
            if (!(value[k] >= 0 && value[k] <= 1)) return double.NegativeInfinity;
            sum += value[k];
            lp += MathUtil.XLogY(_alpha[k] - 1, value[k]);
        }
        // Values built by arithmetic on the simplex carry rounding error; 1e-8·K tolerates it.
        return Math.Abs(sum - 1) <= 1e-8 * Math.Max(1, value.Length) ? lp : double.NegativeInfinity;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double[])value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => _alpha is null ? "Dirichlet(null)" : $"Dirichlet([{string.Join(", ", _alpha)}])";
}
