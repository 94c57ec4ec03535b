using Ppl.Inference.Mcmc;

namespace Ppl.Inference.Variational;

/// <summary>
/// Automatic differentiation variational inference (Kucukelbir et al. 2017, Stan's <c>variational</c>) on a model's
/// unconstrained space: a Gaussian q(u) = N(μ, LLᵀ), mean-field (L diagonal, L = diag(e^ω)) or full-rank, fitted by
/// maximising ELBO(μ, L) = E_q[log p̃(u)] + H(q), where log p̃ is the model's log joint on the unconstrained scale with
/// its log-Jacobian (the density NUTS samples). Gradients by reparameterisation u = μ + Lε, ε ~ N(0, I), with the
/// exact gradient of log p̃ from the model's differentiable form: ∇_μ = E[∇log p̃(u)]; mean-field
/// ∇_ω = E[∇log p̃(u) ⊙ ε ⊙ e^ω] + 1; full-rank ∇_L = E[tril(∇log p̃(u) εᵀ)] + diag(1/Lᵢᵢ). Steps follow Stan's adaptive
/// sequence ρₖ = η·k^{−1/2+10⁻¹⁶} / (1 + √sₖ), sₖ = 0.1·gₖ² + 0.9·sₖ₋₁ (s₁ = g₁²), per coordinate; the result
/// averages the iterates of the final steps (<see cref="AdviSettings.AverageFraction"/>; Stan returns the last one).
/// <para>
/// The one call for a <c>[Model]</c> over doubles (<see cref="Fit{TArgs, TRet}"/>); programmable VI with guides and
/// per-site estimators is <see cref="Objectives"/>.
/// </para>
/// </summary>
public static class Advi
{
    private const double HalfLog2PiE = 1.4189385332046727418; // ½ log(2πe): the entropy of N(0, 1)

    /// <summary>Fits the approximation to a model (its differentiable form) conditioned on <paramref name="observations"/>.</summary>
    public static AdviResult Fit<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, AdviSettings settings, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Fit(ModelDensity.Create(model, args, observations ?? ChoiceMap.Empty), settings, rng);
    }

    /// <summary>Fits the approximation to a model density on its unconstrained space.</summary>
    public static AdviResult Fit(IModelDensity density, AdviSettings settings, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(density);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(rng);
        var d = density.Dimension;
        settings.Validate(d);
        if (d == 0) throw new InferenceException("ADVI needs at least one continuous choice; the model has none to approximate.");
        var mu = settings.InitialMean is { } m0 ? (double[])m0.Clone() : Enumerable.Range(0, d).Select(_ => -2 + 4 * rng.NextDouble()).ToArray();
        // The scale starts at 1 (ω = 0, L = I), as Stan's.
        var l = new double[d, d];
        for (var i = 0; i < d; i++) l[i, i] = 1.0;
        var full = settings.FullRank;
        var count = d + (full ? d * (d + 1) / 2 : d);
        var grad = new double[count];
        var s = new double[count];
        var eps = new double[d];
        var u = new double[d];
        var g = new double[d];
        var elbos = new List<(int, double, double)>();
        // Polyak–Ruppert: the iterates of the final steps are averaged (μ and L), from this step on.
        var averageFrom = settings.AverageFraction > 0 ? (int)(settings.Steps * (1 - settings.AverageFraction)) : int.MaxValue;
        var muSum = new double[d];
        var lSum = new double[d, d];
        var averaged = 0;
        var step = 0;
        for (; step < settings.Steps; step++)
        {
            if (settings.CancellationToken.IsCancellationRequested) break;
            Array.Clear(grad);
            for (var sample = 0; sample < settings.GradientSamples; sample++)
            {
                Draw(mu, l, full, rng, eps, u);
                var lp = density.LogDensityAndGradient(u, g);
                if (!double.IsFinite(lp) || g.Any(x => !double.IsFinite(x)))
                    throw new InferenceException(
                        $"ADVI step {step + 1}: the log density or its gradient is not finite at a draw from the approximation (log density {lp}); " +
                        "the model may need a smaller step size (AdviSettings.Eta) or a better start (InitialMean).");
                for (var i = 0; i < d; i++) grad[i] += g[i];
                if (full)
                {
                    var k = d;
                    for (var i = 0; i < d; i++)
                        for (var j = 0; j <= i; j++) grad[k++] += g[i] * eps[j];
                }
                else
                    for (var i = 0; i < d; i++) grad[d + i] += g[i] * eps[i] * l[i, i];
            }
            for (var i = 0; i < count; i++) grad[i] /= settings.GradientSamples;
            // The entropy's gradient: +1 per ω (mean-field), 1/Lᵢᵢ on the diagonal (full-rank).
            if (full)
            {
                var k = d;
                for (var i = 0; i < d; i++)
                    for (var j = 0; j <= i; j++, k++)
                        if (i == j) grad[k] += 1 / l[i, i];
            }
            else
                for (var i = 0; i < d; i++) grad[d + i] += 1;
            // Stan's adaptive step-size sequence.
            var decay = settings.Eta * Math.Pow(step + 1, -0.5 + 1e-16);
            for (var i = 0; i < count; i++)
            {
                s[i] = step == 0 ? grad[i] * grad[i] : 0.1 * grad[i] * grad[i] + 0.9 * s[i];
                var rho = decay / (1 + Math.Sqrt(s[i]));
                if (i < d) mu[i] += rho * grad[i];
                else if (!full) l[i - d, i - d] *= Math.Exp(rho * grad[i]);
            }
            if (full)
            {
                var k = d;
                for (var i = 0; i < d; i++)
                    for (var j = 0; j <= i; j++, k++) l[i, j] += decay / (1 + Math.Sqrt(s[k])) * grad[k];
            }
            if (step >= averageFrom)
            {
                for (var i = 0; i < d; i++)
                {
                    muSum[i] += mu[i];
                    for (var j = 0; j <= i; j++) lSum[i, j] += l[i, j];
                }
                averaged++;
            }
            if ((step + 1) % settings.ElboEvery == 0 || step + 1 == settings.Steps)
            {
                var (elbo, se) = averaged > 0 ? Elbo(density, Average(muSum, averaged), Average(lSum, averaged), full, settings.ElboSamples, rng)
                    : Elbo(density, mu, l, full, settings.ElboSamples, rng);
                elbos.Add((step + 1, elbo, se));
                settings.Progress?.Report((step + 1, elbo));
            }
        }
        return averaged > 0 ? new AdviResult(density, Average(muSum, averaged), Average(lSum, averaged), full, elbos, step) : new AdviResult(density, mu, l, full, elbos, step);
    }

    private static double[] Average(double[] sum, int count) => sum.Select(x => x / count).ToArray();

    private static double[,] Average(double[,] sum, int count)
    {
        var r = (double[,])sum.Clone();
        for (var i = 0; i < r.GetLength(0); i++)
            for (var j = 0; j < r.GetLength(1); j++) r[i, j] /= count;
        return r;
    }

    /// <summary>u = μ + Lε with fresh ε ~ N(0, I) (ε kept for the gradient).</summary>
    private static void Draw(double[] mu, double[,] l, bool full, Rng rng, double[] eps, double[] u)
    {
        var d = mu.Length;
        for (var i = 0; i < d; i++) eps[i] = rng.NextGaussian();
        for (var i = 0; i < d; i++)
        {
            var x = mu[i];
            if (full)
                for (var j = 0; j <= i; j++) x += l[i, j] * eps[j];
            else x += l[i, i] * eps[i];
            u[i] = x;
        }
    }

    /// <summary>The ELBO E_q[log p̃(u)] + H(q) by <paramref name="samples"/> draws, and the standard error of its Monte Carlo part.</summary>
    internal static (double Elbo, double Se) Elbo(IModelDensity density, double[] mu, double[,] l, bool full, int samples, Rng rng)
    {
        var d = mu.Length;
        var eps = new double[d];
        var u = new double[d];
        double sum = 0, sumSq = 0;
        for (var k = 0; k < samples; k++)
        {
            Draw(mu, l, full, rng, eps, u);
            var lp = density.LogDensity(u);
            sum += lp;
            sumSq += lp * lp;
        }
        var mean = sum / samples;
        var variance = Math.Max(0, (sumSq - samples * mean * mean) / (samples - 1));
        // H(N(μ, LLᵀ)) = Σ log |Lᵢᵢ| + d·½ log(2πe).
        var entropy = d * HalfLog2PiE;
        for (var i = 0; i < d; i++) entropy += Math.Log(Math.Abs(l[i, i]));
        return (mean + entropy, Math.Sqrt(variance / samples));
    }
}
