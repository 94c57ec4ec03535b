namespace Ppl.Inference.Mcmc;

/// <summary>A diagonal metric: M⁻¹ = diag(<see cref="InverseDiagonal"/>).</summary>
public sealed class DiagonalMetric : Metric
{
    private readonly double[] _inv;
    private readonly double[] _sd;

    /// <summary>Creates the metric from the diagonal of M⁻¹ (copied; entries must be positive).</summary>
    public DiagonalMetric(double[] inverseDiagonal)
    {
        ArgumentNullException.ThrowIfNull(inverseDiagonal);
        foreach (var v in inverseDiagonal)
            if (!(v > 0) || !double.IsFinite(v)) throw new ArgumentException($"Inverse metric entries must be positive and finite, got {v}.", nameof(inverseDiagonal));
        _inv = (double[])inverseDiagonal.Clone();
        _sd = _inv.Select(v => 1.0 / Math.Sqrt(v)).ToArray();
    }

    /// <summary>The diagonal of M⁻¹.</summary>
    public IReadOnlyList<double> InverseDiagonal => _inv;

    /// <inheritdoc />
    public override int Dimension => _inv.Length;

    /// <inheritdoc />
    public override void Velocity(ReadOnlySpan<double> p, Span<double> v)
    {
        for (var i = 0; i < _inv.Length; i++) v[i] = _inv[i] * p[i];
    }

    /// <inheritdoc />
    public override double Kinetic(ReadOnlySpan<double> p)
    {
        double s = 0;
        for (var i = 0; i < _inv.Length; i++) s += _inv[i] * p[i] * p[i];
        return 0.5 * s;
    }

    /// <inheritdoc />
    public override void SampleMomentum(Rng rng, Span<double> p)
    {
        for (var i = 0; i < _inv.Length; i++) p[i] = _sd[i] * rng.NextGaussian();
    }
}
