namespace Ppl.Autodiff;

// The multivariate normal by Cholesky factor, as one operation over the observation, the location and the factor.
public static partial class RealDensity
{
    /// <summary>
    /// log N(y; μ, L Lᵀ) for a lower-triangular Cholesky factor <paramref name="l"/> of the covariance (only its lower
    /// triangle is read): −n/2 log 2π − Σ log Lᵢᵢ − ½ ‖L⁻¹(y − μ)‖², recorded as one operation (Stan's
    /// <c>multi_normal_cholesky</c>). With z = L⁻¹(y − μ) and a = L⁻ᵀ z: ∂/∂y = −a, ∂/∂μ = a, ∂/∂Lᵢⱼ = aᵢ zⱼ − [i = j]/Lᵢᵢ.
    /// NaN when a diagonal entry of L is not positive.
    /// </summary>
    public static Real MultiNormalCholesky(ReadOnlySpan<Real> y, ReadOnlySpan<Real> mu, Real[,] l) => MultiNormalCholeskyCore(y, default, mu, default, l);

    /// <summary>log N(y; μ, L Lᵀ) with constant observations.</summary>
    public static Real MultiNormalCholesky(ReadOnlySpan<double> y, ReadOnlySpan<Real> mu, Real[,] l) =>
        MultiNormalCholeskyCore(default, y, mu, default, l, yConstant: true);

    /// <summary>log N(y; μ, L Lᵀ) with a constant location (a latent vector around a fixed mean).</summary>
    public static Real MultiNormalCholesky(ReadOnlySpan<Real> y, ReadOnlySpan<double> mu, Real[,] l) =>
        MultiNormalCholeskyCore(y, default, default, mu, l, muConstant: true);

    /// <summary>log N(y; μ, L Lᵀ) with constant observations and location (only the factor varies, as in a GP's marginal likelihood).</summary>
    public static Real MultiNormalCholesky(ReadOnlySpan<double> y, ReadOnlySpan<double> mu, Real[,] l) =>
        MultiNormalCholeskyCore(default, y, default, mu, l, yConstant: true, muConstant: true);

    private static Real MultiNormalCholeskyCore(ReadOnlySpan<Real> y, ReadOnlySpan<double> yc, ReadOnlySpan<Real> mu, ReadOnlySpan<double> muc, Real[,] l,
        bool yConstant = false, bool muConstant = false)
    {
        var n = RealLinearAlgebra.Square(l, nameof(l));
        var yLength = yConstant ? yc.Length : y.Length;
        var muLength = muConstant ? muc.Length : mu.Length;
        if (yLength != n || muLength != n)
            throw new ArgumentException($"MultiNormalCholesky: a {n}×{n} factor needs an observation and a location of {n}; got {yLength} and {muLength}.");
        var (lv, li, any) = RealLinearAlgebra.Lower(l, n);
        var z = new double[n];
        var yi = new int[n];
        var mi = new int[n];
        for (var i = 0; i < n; i++)
        {
            z[i] = (yConstant ? yc[i] : y[i].Value) - (muConstant ? muc[i] : mu[i].Value);
            if (!yConstant) yi[i] = y[i].Index;
            if (!muConstant) mi[i] = mu[i].Index;
            any |= (yi[i] | mi[i]) != 0;
        }
        double logDiag = 0;
        var bad = false;
        for (var i = 0; i < n; i++)
        {
            var d = lv[i * n + i];
            bad |= !(d > 0);
            logDiag += Math.Log(d);
        }
        if (bad) return double.NaN;
        RealLinearAlgebra.SolveLowerInPlace(lv, n, z);
        double q = 0;
        foreach (var v in z) q += v * v;
        var value = -n * HalfLog2Pi - logDiag - 0.5 * q;
        if (!any) return value;
        return new Real(value, Tape.Current.PushOperation(new MultiNormalCholeskyOperation(n, lv, li, yi, mi, z), 1));
    }

    /// <summary>
    /// Σₖ log N(yₖ; μ, L Lᵀ) over constant observations sharing one location and factor, recorded as one operation
    /// (the factor's log-determinant and the solves are done once per call): ∂/∂μ = Σₖ aₖ, ∂/∂Lᵢⱼ = Σₖ aₖᵢ zₖⱼ − m [i = j]/Lᵢᵢ.
    /// </summary>
    public static Real MultiNormalCholesky(double[][] ys, ReadOnlySpan<Real> mu, Real[,] l)
    {
        var n = RealLinearAlgebra.Square(l, nameof(l));
        if (mu.Length != n)
            throw new ArgumentException($"MultiNormalCholesky: a {n}×{n} factor needs a location of {n}; got {mu.Length}.", nameof(mu));
        var m = ys.Length;
        var (lv, li, any) = RealLinearAlgebra.Lower(l, n);
        var mi = new int[n];
        for (var i = 0; i < n; i++)
        {
            mi[i] = mu[i].Index;
            any |= mi[i] != 0;
        }
        double logDiag = 0;
        var bad = false;
        for (var i = 0; i < n; i++)
        {
            var d = lv[i * n + i];
            bad |= !(d > 0);
            logDiag += Math.Log(d);
        }
        if (bad) return double.NaN;
        // a = Σₖ L⁻ᵀ zₖ and the lower triangle of Σₖ aₖ zₖᵀ are what the rule needs; both are linear in each zₖ, so
        // they are accumulated here and the rule only scales them.
        var z = new double[n];
        var a = new double[n];
        var sumA = new double[n];
        var outer = new double[n * n];
        double q = 0;
        for (var k = 0; k < m; k++)
        {
            var y = ys[k];
            if (y is null || y.Length != n)
                throw new ArgumentException($"MultiNormalCholesky: observation {k} has {y?.Length ?? 0} entries; the factor is {n}×{n}.", nameof(ys));
            for (var i = 0; i < n; i++) z[i] = y[i] - mu[i].Value;
            RealLinearAlgebra.SolveLowerInPlace(lv, n, z);
            q += Dot(z, z);
            if (!any) continue;
            z.CopyTo(a, 0);
            RealLinearAlgebra.SolveLowerTransposedInPlace(lv, n, a);
            for (var i = 0; i < n; i++)
            {
                sumA[i] += a[i];
                Axpy(a[i], z.AsSpan(0, i + 1), outer.AsSpan(i * n, i + 1));
            }
        }
        var value = m * (-n * HalfLog2Pi - logDiag) - 0.5 * q;
        if (!any) return value;
        return new Real(value, Tape.Current.PushOperation(new MultiNormalCholeskyManyOperation(n, m, lv, li, mi, sumA, outer), 1));
    }

    private sealed class MultiNormalCholeskyManyOperation(int n, int m, double[] l, int[] lIndices, int[] muIndices, double[] sumA, double[] outer) : TapeOperation
    {
        internal override void Backward(double[] adjoints, int first)
        {
            var f = adjoints[first];
            if (f == 0) return;
            for (var i = 0; i < n; i++)
            {
                adjoints[muIndices[i]] += f * sumA[i];
                var ri = i * n;
                for (var j = 0; j < i; j++) adjoints[lIndices[ri + j]] += f * outer[ri + j];
                adjoints[lIndices[ri + i]] += f * (outer[ri + i] - m / l[ri + i]);
            }
        }
    }

    private sealed class MultiNormalCholeskyOperation(int n, double[] l, int[] lIndices, int[] yIndices, int[] muIndices, double[] z) : TapeOperation
    {
        internal override void Backward(double[] adjoints, int first)
        {
            var f = adjoints[first];
            if (f == 0) return;
            var a = (double[])z.Clone();
            RealLinearAlgebra.SolveLowerTransposedInPlace(l, n, a);
            for (var i = 0; i < n; i++)
            {
                var g = f * a[i];
                adjoints[yIndices[i]] -= g;
                adjoints[muIndices[i]] += g;
                var ri = i * n;
                for (var j = 0; j < i; j++) adjoints[lIndices[ri + j]] += g * z[j];
                adjoints[lIndices[ri + i]] += g * z[i] - f / l[ri + i];
            }
        }
    }
}
