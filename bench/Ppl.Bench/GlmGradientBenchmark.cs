using System.Diagnostics;
using Ppl;
using Ppl.Autodiff;

/// <summary>
/// The cost of one gradient of the fused likelihoods against the same likelihood taped row by row, in one process:
/// a 5,000 × 25 normal GLM (<see cref="RealDensity.NormalIdGlm(ReadOnlySpan{double}, ReadOnlySpan{double}, Real, ReadOnlySpan{Real}, Real)"/>
/// against Σᵢ Normal(yᵢ; α + xᵢ·β, σ) with the linear predictor taped entry by entry, and against the same with
/// <see cref="RealMath.Dot"/> per row), and a 66-point exponentiated-quadratic GP marginal likelihood (Cholesky and the
/// multivariate normal as tape operations against a Cholesky written as a scalar Real loop).
/// <code>dotnet run -c Release --project bench/Ppl.Bench -- glm-gradient</code>
/// </summary>
internal static class GlmGradientBenchmark
{
    public static Dictionary<string, object> Run(string[] args)
    {
        const int n = 5000, d = 25;
        var rng = new Rng(7);
        var rows = new double[n][];
        var cols = new double[n * d];
        var beta0 = Enumerable.Range(0, d).Select(_ => rng.NextGaussian()).ToArray();
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            rows[i] = new double[d];
            double eta = 0.5;
            for (var j = 0; j < d; j++)
            {
                rows[i][j] = cols[j * n + i] = rng.NextGaussian();
                eta += rows[i][j] * beta0[j];
            }
            y[i] = eta + 0.7 * rng.NextGaussian();
        }
        var p = new[] { 0.4 }.Concat(beta0.Select(b => b + 0.01)).Append(0.8).ToArray();
        var grad = new double[p.Length];
        var tape = Tape.Current;

        double Gradient(Func<Real[], Real> f)
        {
            tape.Reset();
            var v = new Real[p.Length];
            for (var k = 0; k < p.Length; k++) v[k] = tape.Variable(p[k]);
            var lp = f(v);
            tape.Backward(lp);
            for (var k = 0; k < p.Length; k++) grad[k] = tape.Adjoint(v[k]);
            return lp.Value + grad[1];
        }

        Real Fused(Real[] v) => RealDensity.NormalIdGlm(y, cols, v[0], v.AsSpan(1, d), v[d + 1]);
        Real Scalar(Real[] v)
        {
            Real s = 0;
            for (var i = 0; i < n; i++)
            {
                var eta = v[0];
                var r = rows[i];
                for (var j = 0; j < d; j++) eta += r[j] * v[1 + j];
                s += RealDensity.Normal(y[i], eta, v[d + 1]);
            }
            return s;
        }
        Real RowDot(Real[] v)
        {
            Real s = 0;
            var b = v.AsSpan(1, d);
            for (var i = 0; i < n; i++) s += RealDensity.Normal(y[i], v[0] + RealMath.Dot(b, rows[i]), v[d + 1]);
            return s;
        }

        // The three agree before anything is timed.
        var valueFused = Gradient(Fused);
        var gFused = (double[])grad.Clone();
        var valueScalar = Gradient(Scalar);
        var agree = Math.Abs(valueFused - valueScalar) <= 1e-8 * Math.Abs(valueScalar) && gFused.Zip(grad).All(t => Math.Abs(t.First - t.Second) <= 1e-7 * (1 + Math.Abs(t.Second)));

        var fusedUs = Time(() => Gradient(Fused));
        var scalarUs = Time(() => Gradient(Scalar));
        var dotUs = Time(() => Gradient(RowDot));
        Console.WriteLine($"normal GLM {n}×{d}: fused {fusedUs:F1} µs, row-by-row Real {scalarUs:F1} µs, row-by-row with Dot {dotUs:F1} µs per gradient");

        // A 66-point GP: exp-quad covariance, Cholesky, MVN, in (α, ρ).
        const int m = 66;
        var xs = Enumerable.Range(0, m).Select(i => i * 0.15).ToArray();
        var gy = xs.Select(x => Math.Sin(x) + 0.1 * rng.NextGaussian()).ToArray();
        var zeros = new double[m];
        var hp = new[] { 1.1, 0.9 };
        double GpGradient(bool fused)
        {
            tape.Reset();
            var a = tape.Variable(hp[0]);
            var r = tape.Variable(hp[1]);
            var k = RealCovariance.ExpQuad(xs, a, r, 1e-6);
            for (var i = 0; i < m; i++) k[i, i] += 0.01;
            var lp = fused
                ? RealDensity.MultiNormalCholesky(gy, zeros, RealLinearAlgebra.Cholesky(k))
                : ScalarMvn(gy, ScalarCholesky(k));
            tape.Backward(lp);
            return lp.Value + tape.Adjoint(r);
        }
        var gpAgree = Math.Abs(GpGradient(true) - GpGradient(false)) <= 1e-8 * (1 + Math.Abs(GpGradient(false)));
        var gpFusedUs = Time(() => GpGradient(true));
        var gpScalarUs = Time(() => GpGradient(false));
        Console.WriteLine($"GP {m} points: Cholesky + MVN operations {gpFusedUs:F1} µs, scalar Real loops {gpScalarUs:F1} µs per gradient");

        return new Dictionary<string, object>
        {
            ["benchmark"] = "glm-gradient",
            ["normal_glm_fused_us"] = Math.Round(fusedUs, 1),
            ["normal_glm_row_by_row_us"] = Math.Round(scalarUs, 1),
            ["normal_glm_row_dot_us"] = Math.Round(dotUs, 1),
            ["normal_glm_ratio_fused_to_row_by_row"] = Math.Round(fusedUs / scalarUs, 4),
            ["normal_glm_ratio_fused_to_row_dot"] = Math.Round(fusedUs / dotUs, 4),
            ["gp66_operations_us"] = Math.Round(gpFusedUs, 1),
            ["gp66_scalar_us"] = Math.Round(gpScalarUs, 1),
            ["gp66_ratio_operations_to_scalar"] = Math.Round(gpFusedUs / gpScalarUs, 4),
            ["all_passed"] = agree && gpAgree,
        };
    }

    /// <summary>The Cholesky factor as a scalar loop over Real (the taped baseline).</summary>
    private static Real[,] ScalarCholesky(Real[,] a)
    {
        var n = a.GetLength(0);
        var l = new Real[n, n];
        for (var j = 0; j < n; j++)
        {
            var s = a[j, j];
            for (var k = 0; k < j; k++) s -= l[j, k] * l[j, k];
            l[j, j] = RealMath.Sqrt(s);
            for (var i = j + 1; i < n; i++)
            {
                var t = a[i, j];
                for (var k = 0; k < j; k++) t -= l[i, k] * l[j, k];
                l[i, j] = t / l[j, j];
            }
        }
        return l;
    }

    /// <summary>log N(y; 0, L Lᵀ) as scalar Real loops (forward substitution, squares, log diagonal).</summary>
    private static Real ScalarMvn(double[] y, Real[,] l)
    {
        var n = y.Length;
        var z = new Real[n];
        Real q = 0, logDiag = 0;
        for (var i = 0; i < n; i++)
        {
            Real s = y[i];
            for (var k = 0; k < i; k++) s -= l[i, k] * z[k];
            z[i] = s / l[i, i];
            q += z[i] * z[i];
            logDiag += RealMath.Log(l[i, i]);
        }
        return -0.5 * q - logDiag - 0.5 * n * Math.Log(2 * Math.PI);
    }

    /// <summary>Median over batches of the time per call in microseconds, after warm-up.</summary>
    private static double Time(Func<double> f)
    {
        double sink = 0;
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 300) sink += f();
        var batches = new List<double>();
        for (var b = 0; b < 11; b++)
        {
            var sw = Stopwatch.StartNew();
            var calls = 0;
            while (sw.ElapsedMilliseconds < 100)
            {
                sink += f();
                calls++;
            }
            batches.Add(sw.Elapsed.TotalMicroseconds / calls);
        }
        if (double.IsNaN(sink)) Console.WriteLine("(NaN)");
        batches.Sort();
        return batches[batches.Count / 2];
    }
}
