namespace Ppl.Distributions;

/// <summary>
/// Logistic regression over a design matrix (Stan's <c>bernoulli_logit_glm</c>): yᵢ ~ Bernoulli(logistic(α + xᵢ·β))
/// independently for each row xᵢ of <see cref="X"/>. A distribution over the whole outcome vector, so a model observes
/// every row in one site, and the model's differentiable form evaluates it as one fused node with an analytic gradient.
/// The arrays are not copied: do not change them afterwards.
/// </summary>
public readonly struct BernoulliLogitGlm : IDistribution<bool[]>
{
    private readonly string? _error;

    /// <summary>Creates the logistic regression of rows <paramref name="x"/> with intercept α and coefficients β. Checked when used.</summary>
    public BernoulliLogitGlm(double[][] x, double alpha, double[] beta)
    {
        X = x;
        Alpha = alpha;
        Beta = beta;
        _error = GlmDesign.Check(x, alpha, beta);
    }

    /// <summary>The design matrix, one array per row.</summary>
    public double[][] X { get; }

    /// <summary>The intercept α.</summary>
    public double Alpha { get; }

    /// <summary>The coefficients β, one per column of <see cref="X"/>.</summary>
    public double[] Beta { get; }

    /// <inheritdoc />
    public string Family => "BernoulliLogitGlm";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => new(SupportKind.Boolean, 0, 1, X?.Length ?? 0);

    /// <inheritdoc />
    public string? ParameterError => X is null ? "x must not be null" : _error;

    /// <inheritdoc />
    public bool[] Sample(Rng rng)
    {
        Check();
        var y = new bool[X.Length];
        for (var i = 0; i < y.Length; i++) y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-GlmDesign.Eta(X, i, Alpha, Beta)));
        return y;
    }

    /// <inheritdoc />
    public double LogDensity(bool[] value)
    {
        Check();
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != X.Length) throw new DistributionParameterException(Family, GlmDesign.LengthMismatch(Family, value.Length, X.Length));
        double sum = 0;
        for (var i = 0; i < value.Length; i++)
        {
            // log σ(η) = −log(1 + e^{−η}) and log(1 − σ(η)) = −log(1 + e^{η}), each without overflow.
            var eta = GlmDesign.Eta(X, i, Alpha, Beta);
            sum -= MathUtil.SoftPlus(value[i] ? -eta : eta);
        }
        return sum;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((bool[])value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"BernoulliLogitGlm({X?.Length ?? 0} rows, alpha {Alpha}, {Beta?.Length ?? 0} coefficients)";
}
