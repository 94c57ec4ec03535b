namespace Ppl.Inference.Mcmc;

/// <summary>
/// The Euclidean metric of HMC: the kinetic energy ½ pᵀ M⁻¹ p, with momenta drawn from N(0, M). The
/// adapted quantity is M⁻¹, an estimate of the posterior covariance in unconstrained space.
/// Metrics are immutable.
/// </summary>
public abstract class Metric
{
    /// <summary>The dimension.</summary>
    public abstract int Dimension { get; }

    /// <summary>v = M⁻¹ p (the velocity, Stan's p♯).</summary>
    public abstract void Velocity(ReadOnlySpan<double> p, Span<double> v);

    /// <summary>½ pᵀ M⁻¹ p.</summary>
    public abstract double Kinetic(ReadOnlySpan<double> p);

    /// <summary>Draws p ~ N(0, M).</summary>
    public abstract void SampleMomentum(Rng rng, Span<double> p);

    /// <summary>The unit metric of dimension <paramref name="dimension"/>.</summary>
    public static DiagonalMetric Unit(int dimension)
    {
        var d = new double[dimension];
        Array.Fill(d, 1.0);
        return new DiagonalMetric(d);
    }
}
