namespace Ppl.Distributions;

/// <summary>
/// Independent normals yᵢ ~ N(μᵢ, σᵢ²), one per element (Stan's vectorised <c>normal</c>): a location per element, and
/// one shared scale or a scale per element. A distribution over the whole vector, so a model observes every element
/// in one site, and the model's differentiable form evaluates it as one fused node with an analytic gradient.
/// The arrays are not copied: do not change them afterwards.
/// </summary>
public readonly struct IndependentNormal : IDistribution<double[]>
{
    private const double HalfLog2Pi = 0.91893853320467274178;
    private readonly string? _error;

    /// <summary>Independent N(μᵢ, σ²) with one shared scale. Checked when used.</summary>
    public IndependentNormal(double[] mu, double sigma)
    {
        Mu = mu;
        Sigma = sigma;
        Sigmas = null;
        _error = ParameterChecks.FiniteVector("mu", mu) ?? ParameterChecks.Positive("sigma", sigma);
    }

    /// <summary>Independent N(μᵢ, σᵢ²) with a scale per element. Checked when used.</summary>
    public IndependentNormal(double[] mu, double[] sigma)
    {
        Mu = mu;
        Sigma = double.NaN;
        Sigmas = sigma;
        _error = ParameterChecks.FiniteVector("mu", mu) ?? CheckScales(mu, sigma);
    }

    private static string? CheckScales(double[] mu, double[]? sigma)
    {
        if (sigma is null) return "sigma must not be null";
        if (sigma.Length != mu.Length) return $"sigma has {sigma.Length} entries; mu has {mu.Length}";
        for (var i = 0; i < sigma.Length; i++)
            if (ParameterChecks.Positive($"sigma[{i}]", sigma[i]) is { } e) return e;
        return null;
    }

    /// <summary>The locations μ, one per element.</summary>
    public double[] Mu { get; }

    /// <summary>The shared scale σ (NaN when each element has its own, <see cref="Sigmas"/>).</summary>
    public double Sigma { get; }

    /// <summary>The scales, one per element, or null when they share <see cref="Sigma"/>.</summary>
    public double[]? Sigmas { get; }

    /// <summary>The number of elements.</summary>
    public int Dimension => Mu?.Length ?? 0;

    /// <inheritdoc />
    public string Family => "IndependentNormal";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.RealVector(Dimension);

    /// <inheritdoc />
    public string? ParameterError => Mu is null ? "mu must not be null" : _error;

    private double ScaleAt(int i) => Sigmas is { } s ? s[i] : Sigma;

    /// <inheritdoc />
    public double[] Sample(Rng rng)
    {
        Check();
        var y = new double[Mu.Length];
        for (var i = 0; i < y.Length; i++) y[i] = Mu[i] + ScaleAt(i) * rng.NextGaussian();
        return y;
    }

    /// <inheritdoc />
    public double LogDensity(double[] value)
    {
        Check();
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != Mu.Length)
            throw new DistributionParameterException(Family, $"the observed vector has {value.Length} entries; mu has {Mu.Length}");
        double sum = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var s = ScaleAt(i);
            var z = (value[i] - Mu[i]) / s;
            sum += -0.5 * z * z - Math.Log(s);
        }
        return sum - value.Length * HalfLog2Pi;
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
    public override string ToString() => Sigmas is null ? $"IndependentNormal({Dimension} locations, sigma {Sigma})" : $"IndependentNormal({Dimension} locations and scales)";
}
