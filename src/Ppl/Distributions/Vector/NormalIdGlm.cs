namespace Ppl.Distributions;

/// <summary>
/// The normal linear regression over a design matrix (Stan's <c>normal_id_glm</c>): yᵢ ~ N(α + xᵢ·β, σ²)
/// independently for each row xᵢ of <see cref="X"/>. A distribution over the whole outcome vector, so a model observes
/// every row in one site, and the model's differentiable form evaluates it as one fused node with an analytic gradient.
/// The arrays are not copied: do not change them afterwards.
/// </summary>
public readonly struct NormalIdGlm : IDistribution<double[]>
{
    private const double HalfLog2Pi = 0.91893853320467274178;
    private readonly string? _error;

    /// <summary>Creates the regression of rows <paramref name="x"/> with intercept α, coefficients β and residual scale σ. Checked when used.</summary>
    public NormalIdGlm(double[][] x, double alpha, double[] beta, double sigma)
    {
        X = x;
        Alpha = alpha;
        Beta = beta;
        Sigma = sigma;
        _error = GlmDesign.Check(x, alpha, beta) ?? ParameterChecks.Positive("sigma", sigma);
    }

    /// <summary>The design matrix, one array per row.</summary>
    public double[][] X { get; }

    /// <summary>The intercept α.</summary>
    public double Alpha { get; }

    /// <summary>The coefficients β, one per column of <see cref="X"/>.</summary>
    public double[] Beta { get; }

    /// <summary>The residual scale σ &gt; 0.</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    public string Family => "NormalIdGlm";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.RealVector(X?.Length ?? 0);

    /// <inheritdoc />
    public string? ParameterError => X is null ? "x must not be null" : _error;

    /// <inheritdoc />
    public double[] Sample(Rng rng)
    {
        Check();
        var y = new double[X.Length];
        for (var i = 0; i < y.Length; i++) y[i] = GlmDesign.Eta(X, i, Alpha, Beta) + Sigma * rng.NextGaussian();
        return y;
    }

    /// <inheritdoc />
    public double LogDensity(double[] value)
    {
        Check();
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != X.Length) throw new DistributionParameterException(Family, GlmDesign.LengthMismatch(Family, value.Length, X.Length));
        double sum = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var r = value[i] - GlmDesign.Eta(X, i, Alpha, Beta);
            sum += r * r;
        }
        return -0.5 * sum / (Sigma * Sigma) - value.Length * (Math.Log(Sigma) + HalfLog2Pi);
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
    public override string ToString() => $"NormalIdGlm({X?.Length ?? 0} rows, alpha {Alpha}, {Beta?.Length ?? 0} coefficients, sigma {Sigma})";
}
