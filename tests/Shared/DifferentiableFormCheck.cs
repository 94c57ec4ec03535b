using Ppl.Inference.Mcmc;
using Ppl.Modeling;

namespace Ppl.Tests.Shared;

/// <summary>
/// The check of a model's differentiable form against the model itself, shared by the generator's fuzz tests and the
/// inference tests (linked into both projects): its value must be <c>Assess</c> of the constrained values plus
/// log |det ∂x/∂u| (the Jacobian by central differences, so no bijector code of ours is trusted), and its gradient the
/// central difference of its value.
/// <para>
/// A vector or matrix choice may have more entries than coordinates (a K-simplex has K − 1 coordinates, an n×n
/// correlation Cholesky factor n(n − 1)/2): its density is with respect to Lebesgue measure on its free entries (the
/// first K − 1 of a simplex, the strictly lower triangle of a correlation factor, the lower triangle of a covariance), so the Jacobian is taken of the map
/// onto those entries. Which entries are free is this check's own knowledge of the families, not the layout's.
/// </para>
/// </summary>
internal static class DifferentiableFormCheck
{
    /// <summary>
    /// Asserts <see cref="Mismatch"/> finds nothing for <paramref name="model"/>'s form at <paramref name="points"/> random
    /// positions u ∈ [−<paramref name="radius"/>, <paramref name="radius"/>]ᵈ, against its <c>Assess</c>.
    /// </summary>
    public static void AgainstAssess<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ulong seed, int points, double radius = 1)
    {
        var d = Xunit.Assert.IsType<ModelDensity<TArgs>>(ModelDensity.Create(model, args, ChoiceMap.Empty));
        var rng = new Rng(seed);
        for (var p = 0; p < points; p++)
        {
            var u = Enumerable.Range(0, d.Dimension).Select(_ => radius * (2 * rng.NextDouble() - 1)).ToArray();
            Xunit.Assert.Null(Mismatch(Form.Of(d, d.Layout), u, choices => model.Assess(args, choices).Weight));
        }
    }

    /// <summary>The parts of a model's density that <see cref="Mismatch"/> checks (a record, so that a negative control can replace one).</summary>
    public sealed record Form(
        IReadOnlyList<Address> Addresses,
        Func<double[], double[]> Constrain,
        Func<double[], double> LogDensity,
        Func<double[], double[], double> LogDensityAndGradient)
    {
        /// <summary>The choices from a draw's entries (default: entry i at address i).</summary>
        public Func<double[], ChoiceMap>? Choices { get; init; }

        /// <summary>The indices of the free entries among the constrained values, one per coordinate (default: all of them).</summary>
        public int[]? Free { get; init; }

        public static Form Of(IModelDensity d, DifferentiableLayout? layout = null) =>
            new(d.Addresses, u => d.Constrain(u), u => d.LogDensity(u), (u, g) => d.LogDensityAndGradient(u, g))
            {
                Choices = x => d.SetValues(ChoiceMap.Empty, x),
                Free = layout is null ? null : FreeEntries(layout),
            };

        /// <summary>The free entries of each choice: all but the last of a simplex, the strictly lower triangle of a correlation Cholesky factor, the lower triangle of a covariance or its Cholesky factor, every entry otherwise.</summary>
        private static int[] FreeEntries(DifferentiableLayout layout)
        {
            var free = new List<int>();
            foreach (var c in layout.Choices)
            {
                for (var i = 0; i < c.Rows; i++)
                    for (var j = 0; j < c.Columns; j++)
                    {
                        var keep = c.Family switch
                        {
                            "Dirichlet" => i < c.Rows - 1,
                            "LkjCholesky" => i > j,
                            "InverseWishart" or "Wishart" or "WishartCholesky" or "InverseWishartCholesky" => i >= j,
                            _ => true,
                        };
                        if (keep) free.Add(c.ValueStart + i * c.Columns + j);
                    }
            }
            return [.. free];
        }
    }

    /// <summary>
    /// Why the density's value or gradient at <paramref name="u"/> is wrong, or null: the value must be
    /// <paramref name="assess"/> of the constrained values plus log |det ∂x/∂u| (the Jacobian by central differences
    /// of the constrained values, the whole determinant taken), the gradient the central difference of the value.
    /// </summary>
    public static string? Mismatch(Form d, double[] u, Func<ChoiceMap, double> assess)
    {
        var n = u.Length;
        var x = d.Constrain(u);
        var free = d.Free ?? Enumerable.Range(0, n).ToArray();
        if (free.Length != n) return $"{free.Length} free entries for {n} coordinates";
        var choices = ChoiceMap.Empty;
        if (d.Choices is { } build) choices = build(x);
        else
            for (var i = 0; i < n; i++) choices = choices.Set(d.Addresses[i], x[i]);
        var jacobian = new double[n, n];
        for (var k = 0; k < n; k++)
        {
            var h = 1e-5 * (1 + Math.Abs(u[k]));
            var up = (double[])u.Clone();
            var um = (double[])u.Clone();
            up[k] += h;
            um[k] -= h;
            var xp = d.Constrain(up);
            var xm = d.Constrain(um);
            for (var i = 0; i < n; i++) jacobian[i, k] = (xp[free[i]] - xm[free[i]]) / (2 * h);
        }
        var lp = d.LogDensity(u);
        var expected = assess(choices) + LogAbsDeterminant(jacobian);
        if (!(Math.Abs(lp - expected) < 1e-6 * (1 + Math.Abs(expected)))) return $"form {lp}, Assess + log|J| {expected} at [{string.Join(", ", u)}]";
        var g = new double[n];
        var lp2 = d.LogDensityAndGradient(u, g);
        if (!(Math.Abs(lp2 - lp) <= 1e-12 * (1 + Math.Abs(lp)))) return $"value {lp} without the gradient, {lp2} with it";
        return GradientMismatch(d, u, g);
    }

    /// <summary>The first coordinate where the gradient <paramref name="g"/> at <paramref name="u"/> differs from a central difference of the log density, or null.</summary>
    public static string? GradientMismatch(Form d, double[] u, double[] g)
    {
        for (var k = 0; k < u.Length; k++)
        {
            var h = 1e-5 * (1 + Math.Abs(u[k]));
            var up = (double[])u.Clone();
            var um = (double[])u.Clone();
            up[k] += h;
            um[k] -= h;
            var fd = (d.LogDensity(up) - d.LogDensity(um)) / (2 * h);
            if (!(Math.Abs(g[k] - fd) < 1e-5 * (1 + Math.Abs(fd)))) return $"coordinate {d.Addresses[k]}: gradient {g[k]}, finite difference {fd} at [{string.Join(", ", u)}]";
        }
        return null;
    }

    /// <summary>log |det a| by Gaussian elimination with partial pivoting (a is overwritten).</summary>
    private static double LogAbsDeterminant(double[,] a)
    {
        var n = a.GetLength(0);
        var log = 0.0;
        for (var c = 0; c < n; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < n; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c])) pivot = r;
            if (a[pivot, c] == 0) return double.NegativeInfinity;
            for (var k = 0; k < n; k++) (a[c, k], a[pivot, k]) = (a[pivot, k], a[c, k]);
            log += Math.Log(Math.Abs(a[c, c]));
            for (var r = c + 1; r < n; r++)
            {
                var f = a[r, c] / a[c, c];
                for (var k = c; k < n; k++) a[r, k] -= f * a[c, k];
            }
        }
        return log;
    }
}
