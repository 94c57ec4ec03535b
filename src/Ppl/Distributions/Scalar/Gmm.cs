namespace Ppl.Distributions;

/// <summary>
/// A Gaussian mixture over ℝᵈ: Σₖ wₖ N(μₖ, Σₖ), each component held by its Cholesky factor. The density
/// is a log-sum-exp over components; <see cref="Mean"/>, <see cref="Covariance"/> and
/// <see cref="MomentMatched"/> give the single Gaussian with the same first two moments (what the
/// Distribution Transformer needs to summarise or project a mixture). Arrays are not copied.
/// </summary>
public readonly struct Gmm : IDistribution<double[]>, IHasMoments<double[]>, IHasBijector<double[]>
{
    private readonly double[] _weights;
    private readonly MvNormal[] _components;
    private readonly string? _error;

    /// <summary>Creates the mixture from weights, means and covariance matrices. Checked when used.</summary>
    public Gmm(double[] weights, double[][] means, double[][,] covariances)
        : this(weights, Build(means, covariances, fromCholesky: false, out var e), e)
    {
    }

    private Gmm(double[] weights, MvNormal[] components, string? buildError)
    {
        _weights = weights;
        _components = components;
        _error = buildError ?? ParameterChecks.ProbabilityVector("weights", weights);
        if (_error is null && weights.Length != components.Length)
            _error = $"weights and components must have the same length, got {weights.Length} and {components.Length}";
        for (var k = 0; _error is null && k < components.Length; k++)
        {
            if (components[k].ParameterError is { } ce) _error = $"components[{k}]: {ce}";
            else if (components[k].Dimension != components[0].Dimension)
                _error = $"components must share a dimension, got {components[0].Dimension} and {components[k].Dimension} (component {k})";
        }
    }

    /// <summary>Creates the mixture from weights, means and lower-triangular Cholesky factors of the covariances.</summary>
    public static Gmm FromCholesky(double[] weights, double[][] means, double[][,] choleskyFactors) =>
        new(weights, Build(means, choleskyFactors, fromCholesky: true, out var e), e);

    /// <summary>Creates the mixture from weights and Gaussian components.</summary>
    public static Gmm FromComponents(double[] weights, MvNormal[] components) =>
        new(weights, components, components is null ? "components must not be null" : null);

    private static MvNormal[] Build(double[][]? means, double[][,]? matrices, bool fromCholesky, out string? error)
    {
        error = null;
        if (means is null || matrices is null)
        {
            error = means is null ? "means must not be null" : fromCholesky ? "choleskyFactors must not be null" : "covariances must not be null";
            return [];
        }
        if (means.Length != matrices.Length)
        {
            error = $"means and {(fromCholesky ? "choleskyFactors" : "covariances")} must have the same length, got {means.Length} and {matrices.Length}";
            return [];
        }
        var c = new MvNormal[means.Length];
        for (var k = 0; k < c.Length; k++)
            c[k] = fromCholesky ? MvNormal.FromCholesky(means[k], matrices[k]) : new MvNormal(means[k], matrices[k]);
        return c;
    }

    /// <summary>The weights (not a copy).</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>The components (not a copy).</summary>
    public ReadOnlySpan<MvNormal> Components => _components;

    /// <summary>The dimension d.</summary>
    public int Dimension => _components is { Length: > 0 } ? _components[0].Dimension : 0;

    /// <inheritdoc />
    public string Family => "Gmm";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.RealVector(Dimension);

    /// <inheritdoc />
    public string? ParameterError => _components is null ? "components must not be null" : _error;

    /// <inheritdoc />
    public double[] Mean
    {
        get
        {
            var m = new double[Dimension];
            for (var k = 0; k < _components.Length; k++)
            {
                var mk = _components[k].Location;
                for (var i = 0; i < m.Length; i++) m[i] += _weights[k] * mk[i];
            }
            return m;
        }
    }

    /// <summary>The covariance by the law of total covariance: Σₖ wₖ (Σₖ + μₖμₖᵀ) − μμᵀ.</summary>
    public double[,] Covariance
    {
        get
        {
            var d = Dimension;
            var m = Mean;
            var c = new double[d, d];
            for (var k = 0; k < _components.Length; k++)
            {
                var ck = _components[k].Covariance;
                var mk = _components[k].Location;
                for (var i = 0; i < d; i++)
                    for (var j = 0; j < d; j++) c[i, j] += _weights[k] * (ck[i, j] + mk[i] * mk[j]);
            }
            for (var i = 0; i < d; i++)
                for (var j = 0; j < d; j++) c[i, j] -= m[i] * m[j];
            return c;
        }
    }

    /// <inheritdoc />
    public double[] Variance
    {
        get
        {
            var c = Covariance;
            var v = new double[Dimension];
            for (var i = 0; i < v.Length; i++) v[i] = c[i, i];
            return v;
        }
    }

    /// <summary>The Gaussian with this mixture's mean and covariance.</summary>
    public MvNormal MomentMatched()
    {
        Check();
        return new MvNormal(Mean, Covariance);
    }

    /// <inheritdoc />
    public IBijector<double[]> Bijector => new IdentityVectorBijector(Dimension);

    /// <inheritdoc />
    public double[] Sample(Rng rng)
    {
        Check();
        return _components[rng.DrawIndex(_weights)].Sample(rng);
    }

    /// <inheritdoc />
    public double LogDensity(double[] value)
    {
        Check();
        if (value is null || value.Length != Dimension) return double.NegativeInfinity;
        Span<double> terms = _components.Length <= 64 ? stackalloc double[_components.Length] : new double[_components.Length];
        for (var k = 0; k < terms.Length; k++)
            terms[k] = _weights[k] == 0 ? double.NegativeInfinity : Math.Log(_weights[k]) + _components[k].LogDensity(value);
        return MathUtil.LogSumExp(terms);
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
    public override string ToString() => $"Gmm({_components?.Length ?? 0} components, dimension {Dimension})";
}
