namespace Ppl.Distributions;

/// <summary>
/// A finite mixture Σₖ wₖ pₖ of component distributions over the same value type. The density is
/// computed by log-sum-exp; a draw picks a component by weight, then draws from it. The arrays are not
/// copied: do not change them afterwards.
/// </summary>
/// <typeparam name="T">The value type shared by the components.</typeparam>
public readonly struct Mixture<T> : IDistribution<T>
{
    private readonly IDistribution<T>[] _components;
    private readonly double[] _weights;

    /// <summary>Creates the mixture; <paramref name="weights"/> must be probabilities summing to 1. Checked when used.</summary>
    public Mixture(double[] weights, IDistribution<T>[] components)
    {
        _weights = weights;
        _components = components;
    }

    /// <summary>The mixture weights (not a copy).</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>The components (not a copy).</summary>
    public ReadOnlySpan<IDistribution<T>> Components => _components;

    /// <inheritdoc />
    public string Family => "Mixture";

    /// <inheritdoc />
    public bool IsDiscrete
    {
        get
        {
            if (_components is null || _components.Length == 0) return false;
            foreach (var c in _components) if (!c.IsDiscrete) return false;
            return true;
        }
    }

    /// <inheritdoc />
    public Support Support
    {
        get
        {
            if (_components is null || _components.Length == 0) return new Support(SupportKind.Mixed);
            var first = _components[0].Support;
            foreach (var c in _components) if (c.Support != first) return new Support(SupportKind.Mixed, Dimension: first.Dimension);
            return first;
        }
    }

    /// <inheritdoc />
    public string? ParameterError
    {
        get
        {
            if (_components is null) return "components must not be null";
            if (ParameterChecks.ProbabilityVector("weights", _weights) is { } e) return e;
            if (_weights.Length != _components.Length)
                return $"weights and components must have the same length, got {_weights.Length} and {_components.Length}";
            for (var k = 0; k < _components.Length; k++)
            {
                if (_components[k] is null) return $"components[{k}] must not be null";
                if (_components[k].ParameterError is { } ce) return $"components[{k}] ({_components[k].Family}): {ce}";
            }
            return null;
        }
    }

    /// <inheritdoc />
    public T Sample(Rng rng)
    {
        Check();
        return _components[rng.DrawIndex(_weights)].Sample(rng);
    }

    /// <inheritdoc />
    public double LogDensity(T value)
    {
        Check();
        Span<double> terms = _components.Length <= 64 ? stackalloc double[_components.Length] : new double[_components.Length];
        for (var k = 0; k < _components.Length; k++)
            terms[k] = _weights[k] == 0 ? double.NegativeInfinity : Math.Log(_weights[k]) + _components[k].LogDensity(value);
        return MathUtil.LogSumExp(terms);
    }

    /// <summary>The posterior probabilities of the components given <paramref name="value"/>.</summary>
    public double[] Responsibilities(T value)
    {
        Check();
        var r = new double[_components.Length];
        for (var k = 0; k < r.Length; k++)
            r[k] = _weights[k] == 0 ? double.NegativeInfinity : Math.Log(_weights[k]) + _components[k].LogDensity(value);
        var lse = MathUtil.LogSumExp(r);
        for (var k = 0; k < r.Length; k++) r[k] = Math.Exp(r[k] - lse);
        return r;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng)!;

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((T)value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        if (_components is null) return "Mixture(null)";
        var w = _weights;
        return $"Mixture({string.Join(", ", _components.Select((c, k) => $"{(w is not null && k < w.Length ? w[k] : double.NaN)}·{c}"))})";
    }
}

/// <summary>Moments of mixtures of scalar distributions whose components have moments.</summary>
public static class MixtureMoments
{
    /// <summary>The mean Σ wₖ μₖ; throws if a component has no closed-form moments.</summary>
    public static double Mean(this Mixture<double> mixture)
    {
        double m = 0;
        for (var k = 0; k < mixture.Components.Length; k++) m += mixture.Weights[k] * Moments(mixture.Components[k]).Mean;
        return m;
    }

    /// <summary>The variance Σ wₖ (σₖ² + μₖ²) − μ² (law of total variance).</summary>
    public static double Variance(this Mixture<double> mixture)
    {
        double m = mixture.Mean(), s = 0;
        for (var k = 0; k < mixture.Components.Length; k++)
        {
            var c = Moments(mixture.Components[k]);
            s += mixture.Weights[k] * (c.Variance + c.Mean * c.Mean);
        }
        return s - m * m;
    }

    private static IHasMoments<double> Moments(IDistribution<double> d) =>
        d as IHasMoments<double> ?? throw new InvalidOperationException($"{d.Family} has no closed-form moments.");
}
