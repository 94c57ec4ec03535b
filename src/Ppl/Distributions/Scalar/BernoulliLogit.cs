namespace Ppl.Distributions;

/// <summary>
/// The Bernoulli distribution over {false, true} parameterised by the log-odds of true (Stan's <c>bernoulli_logit</c>):
/// P(true) = σ(logit) = 1 / (1 + e^(−logit)). The log masses are −softplus(∓logit), accurate where 1 − σ(logit) rounds
/// to 0 in double precision, so a logistic regression written as a loop over rows needs no hand-written logistic.
/// </summary>
public readonly struct BernoulliLogit : IFiniteDistribution<bool>, IHasMoments<double>
{
    /// <summary>Creates BernoulliLogit(<paramref name="logit"/>). Parameters are checked when the distribution is used.</summary>
    public BernoulliLogit(double logit)
    {
        Logit = logit;
    }

    /// <summary>The log-odds of true, log(p / (1 − p)); finite.</summary>
    public double Logit { get; }

    /// <summary>P(true) = σ(<see cref="Logit"/>).</summary>
    public double P => MathUtil.Logistic(Logit);

    /// <inheritdoc />
    public string Family => "BernoulliLogit";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => Support.Boolean;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Finite("logit", Logit);

    /// <inheritdoc />
    public double Mean => P;

    /// <inheritdoc />
    public double Variance => P * (1 - P);

    /// <inheritdoc />
    public int SupportSize => 2;

    /// <inheritdoc />
    public bool SupportValue(int index) => index switch
    {
        0 => false,
        1 => true,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <inheritdoc />
    public bool Sample(Rng rng)
    {
        Check();
        return rng.DrawFinite(this);
    }

    /// <inheritdoc />
    public bool SampleDirect(Rng rng) => rng.NextDouble() < P;

    /// <inheritdoc />
    public double LogDensity(bool value)
    {
        Check();
        // log σ(l) = −softplus(−l), log(1 − σ(l)) = −softplus(l).
        return -MathUtil.SoftPlus(value ? -Logit : Logit);
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((bool)value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"BernoulliLogit({Logit})";
}
