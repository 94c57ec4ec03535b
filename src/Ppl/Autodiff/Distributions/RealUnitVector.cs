using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The uniform distribution on the unit sphere in ℝⁿ: the differentiable counterpart of <see cref="UnitVector"/>. A draw
/// has n unconstrained coordinates y, mapped on the tape to x = y/‖y‖ with Stan's adjustment −½‖y‖² in place of a
/// log-Jacobian (see <see cref="UnitVectorBijector"/>); the log density, with respect to the sphere's surface measure,
/// is a constant.
/// </summary>
public readonly struct RealUnitVector : IRealVectorContinuous, IRealVectorObservation<double[]>
{
    /// <summary>Creates the uniform distribution on the unit sphere in ℝ^<paramref name="dimension"/>. Checked when used.</summary>
    public RealUnitVector(int dimension) => Dimension = dimension;

    /// <summary>The dimension n.</summary>
    public int Dimension { get; }

    /// <inheritdoc />
    public string Family => "UnitVector";

    /// <inheritdoc />
    public int Length => Math.Max(0, Dimension);

    /// <inheritdoc />
    public int UnconstrainedLength => Math.Max(0, Dimension);

    /// <inheritdoc />
    public string? ParameterError => new UnitVector(Dimension).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new UnitVector(Dimension);

    /// <summary>x = y/‖y‖; adds −½‖y‖² to <paramref name="logJacobian"/> (Stan's <c>unit_vector</c> transform).</summary>
    public Real[] Constrain(ReadOnlySpan<Real> u, ref Real logJacobian) => ToSphere(u, Length, ref logJacobian);

    /// <summary>The unit-vector transform shared with <see cref="RealVonMisesFisher"/>.</summary>
    internal static Real[] ToSphere(ReadOnlySpan<Real> u, int n, ref Real logJacobian)
    {
        var x = new Real[n];
        if (n == 0) return x;
        // ‖y‖² as one operation.
        var twice = new double[n];
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            sum += u[i].Value * u[i].Value;
            twice[i] = 2 * u[i].Value;
        }
        var squared = Real.FromPartials(sum, u[..n], twice);
        logJacobian += -0.5 * squared;
        var inverseNorm = 1.0 / RealMath.Sqrt(squared);
        for (var i = 0; i < n; i++) x[i] = u[i] * inverseNorm;
        return x;
    }

    /// <inheritdoc />
    public void Unconstrain(ReadOnlySpan<double> x, Span<double> u) => new UnitVectorBijector(Math.Max(Dimension, 2)).Inverse(x.ToArray(), u);

    /// <summary>−log of the sphere's area; −∞ off the sphere; NaN for a dimension below 2 or a vector of another length.</summary>
    public Real LogDensity(Real[] x)
    {
        if (x is null || Dimension < 2 || x.Length != Dimension) return double.NaN;
        double s = 0;
        foreach (var v in x) s += v.Value * v.Value;
        return Math.Abs(Math.Sqrt(s) - 1) <= 1e-8 ? UnitVector.LogUniform(Dimension) : double.NegativeInfinity;
    }

    /// <summary>The log density of an observed vector (a constant on the sphere).</summary>
    public Real LogDensity(double[] value)
    {
        if (value is null || Dimension < 2 || value.Length != Dimension) return double.NaN;
        return UnitVector.OnSphere(value, Dimension) ? UnitVector.LogUniform(Dimension) : double.NegativeInfinity;
    }

    /// <inheritdoc />
    public override string ToString() => $"UnitVector({Dimension})";
}
