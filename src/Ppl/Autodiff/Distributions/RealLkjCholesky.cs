using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The LKJ distribution over Cholesky factors of n×n correlation matrices with a <see cref="Real"/> shape η: the
/// differentiable counterpart of <see cref="LkjCholesky"/>. A draw has n(n − 1)/2 unconstrained coordinates, one per
/// strictly lower entry (row by row), mapped by the tanh-based transform of <see cref="CorrelationCholeskyBijector"/>
/// (Stan's <c>cholesky_factor_corr</c>) on the tape; the density is with respect to Lebesgue measure on the strictly
/// lower entries, as the double family's, and is differentiated in η through its normalising constant too.
/// </summary>
public readonly struct RealLkjCholesky : IRealMatrixContinuous, IRealVectorObservation<double[,]>
{
    private const double Ln2 = 0.69314718055994531;

    /// <summary>Creates LKJ-Cholesky(<paramref name="dimension"/>, <paramref name="eta"/>). Checked when used.</summary>
    public RealLkjCholesky(int dimension, Real eta)
    {
        Dimension = dimension;
        Eta = eta;
    }

    /// <summary>The matrix dimension n.</summary>
    public int Dimension { get; }

    /// <summary>The shape η.</summary>
    public Real Eta { get; }

    /// <inheritdoc />
    public string Family => "LkjCholesky";

    /// <inheritdoc />
    public int Rows => Math.Max(0, Dimension);

    /// <inheritdoc />
    public int Columns => Math.Max(0, Dimension);

    /// <inheritdoc />
    public int UnconstrainedLength => Dimension < 1 ? 0 : Dimension * (Dimension - 1) / 2;

    /// <inheritdoc />
    public string? ParameterError => new LkjCholesky(Dimension, Eta.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new LkjCholesky(Dimension, Eta.Value);

    /// <inheritdoc />
    public (int Row, int Column) CoordinateEntry(int k)
    {
        var i = 1;
        while ((i + 1) * i / 2 <= k) i++;
        return (i, k - i * (i - 1) / 2);
    }

    /// <summary>
    /// zᵢⱼ = tanh(uᵢⱼ); Lᵢⱼ = zᵢⱼ √(1 − Σₖ&lt;ⱼ Lᵢₖ²), Lᵢᵢ = √(1 − Σₖ&lt;ᵢ Lᵢₖ²); log |det J| = Σ log(1 − zᵢⱼ²) + ½ log(1 − Σₖ&lt;ⱼ Lᵢₖ²).
    /// The remaining squared norm of a row is kept as its log, Σ log(1 − zᵢₖ²), with log(1 − tanh²u) = 2(log 2 − |u| − softplus(−2|u|)),
    /// so that a nearly saturated row keeps its digits.
    /// </summary>
    public Real[,] Constrain(ReadOnlySpan<Real> u, ref Real logJacobian)
    {
        var n = Rows;
        var l = new Real[n, n];
        if (n == 0) return l;
        l[0, 0] = 1.0;
        var p = 0;
        for (var i = 1; i < n; i++)
        {
            Real logRemaining = 0.0;
            for (var j = 0; j < i; j++)
            {
                var v = u[p++];
                var z = RealMath.Tanh(v);
                var abs = RealMath.Abs(v);
                var log1mZ2 = 2 * (Ln2 - abs - RealMath.Softplus(-2 * abs));
                l[i, j] = z * RealMath.Exp(0.5 * logRemaining);
                logJacobian += log1mZ2 + 0.5 * logRemaining;
                logRemaining += log1mZ2;
            }
            l[i, i] = RealMath.Exp(0.5 * logRemaining);
        }
        return l;
    }

    /// <inheritdoc />
    public void Unconstrain(double[,] x, Span<double> u)
    {
        if (Dimension < 1) return;
        new CorrelationCholeskyBijector(Dimension).Inverse(x, u);
    }

    /// <summary>Σᵢ₌₂ⁿ (n − i + 2η − 2) log Lᵢᵢ (1-based i) + c(η), one operation over η and the diagonal.</summary>
    public Real LogDensity(Real[,] x) => x is null ? double.NaN : Core(x, null);

    /// <summary>The log density of an observed factor (differentiated in η).</summary>
    public Real LogDensity(double[,] value) => value is null ? double.NaN : Core(null, value);

    private Real Core(Real[,]? x, double[,]? data)
    {
        var n = Dimension;
        var eta = Eta.Value;
        if (n < 1 || !(eta > 0 && double.IsFinite(eta))) return double.NaN;
        var rows = x?.GetLength(0) ?? data!.GetLength(0);
        var columns = x?.GetLength(1) ?? data!.GetLength(1);
        if (rows != n || columns != n) return double.NaN;
        double Entry(int i, int j) => x is { } r ? r[i, j].Value : data![i, j];
        // The support, as the double family checks it: lower triangular, positive diagonal, unit rows.
        for (var i = 0; i < n; i++)
        {
            double norm = 0;
            for (var j = 0; j < n; j++)
            {
                var v = Entry(i, j);
                if (j > i && v != 0 || !double.IsFinite(v)) return double.NegativeInfinity;
                norm += v * v;
            }
            if (!(Entry(i, i) > 0) || Math.Abs(norm - 1) > 1e-8) return double.NegativeInfinity;
        }
        // c(η) = Σⱼ (n − j)(−(2b − 1) log 2 − log B(b, b)), b = η + (n − 1 − j)/2; dc/dη = Σⱼ (n − j)(−2 log 2 − 2ψ(b) + 2ψ(2b)).
        double value = 0, dEta = 0;
        for (var j = 1; j < n; j++)
        {
            var b = eta + 0.5 * (n - 1 - j);
            value += (n - j) * (-(2 * b - 1) * Ln2 - SpecialFunctions.BetaLn(b, b));
            dEta += (n - j) * (-2 * Ln2 - 2 * SpecialFunctions.DiGamma(b) + 2 * SpecialFunctions.DiGamma(2 * b));
        }
        RealVectorBuffers.Partials(n, out var parents, out var partials);
        parents[0] = Eta;
        for (var i = 1; i < n; i++)
        {
            var d = Entry(i, i);
            var exponent = n - i - 3 + 2 * eta;
            value += exponent * Math.Log(d);
            dEta += 2 * Math.Log(d);
            if (x is { } r)
            {
                parents[i] = r[i, i];
                partials[i] = exponent / d;
            }
        }
        partials[0] = dEta;
        return Real.FromPartials(value, parents, partials);
    }

    /// <inheritdoc />
    public override string ToString() => $"LkjCholesky({Dimension}, {Eta.Value})";
}
