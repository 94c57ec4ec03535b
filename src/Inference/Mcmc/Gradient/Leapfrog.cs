namespace Ppl.Inference.Mcmc;

/// <summary>The leapfrog (velocity Verlet) integrator and the Hamiltonian, shared by HMC, MALA and NUTS.</summary>
internal static class Leapfrog
{
    /// <summary>One step of size <paramref name="eps"/>: half kick, drift, gradient, half kick. Returns the new log density.</summary>
    public static double Step(IDifferentiableDensity density, Metric metric, Span<double> q, Span<double> p, Span<double> g, double eps, Span<double> scratch)
    {
        var n = q.Length;
        for (var i = 0; i < n; i++) p[i] += 0.5 * eps * g[i];
        metric.Velocity(p, scratch);
        for (var i = 0; i < n; i++) q[i] += eps * scratch[i];
        var logp = LogDensityAndGradient(density, q, g);
        for (var i = 0; i < n; i++) p[i] += 0.5 * eps * g[i];
        return logp;
    }

    /// <summary>
    /// The density and its gradient at a proposed point, where a NaN, or an exception that says the point is outside
    /// the model's domain (<see cref="DensityErrors.IsRejection"/>: a Cholesky of a matrix that is not positive
    /// definite, a failed solve), is −∞ with a zero gradient: the trajectory is divergent and the proposal rejected,
    /// as in Stan, instead of the end of every chain.
    /// </summary>
    public static double LogDensityAndGradient(IDifferentiableDensity density, ReadOnlySpan<double> q, Span<double> g)
    {
        double logp;
        try
        {
            logp = density.LogDensityAndGradient(q, g);
        }
        catch (Exception e) when (DensityErrors.IsRejection(e))
        {
            logp = double.NaN;
        }
        if (!double.IsNaN(logp)) return logp;
        g.Clear();
        return double.NegativeInfinity;
    }

    /// <summary>H = −log p(q) + ½ pᵀM⁻¹p (NaN becomes +∞, a rejected or divergent state).</summary>
    public static double Hamiltonian(double logp, Metric metric, ReadOnlySpan<double> p)
    {
        var h = -logp + metric.Kinetic(p);
        return double.IsNaN(h) ? double.PositiveInfinity : h;
    }

    /// <summary>
    /// Stan's step-size initialisation: double or halve ε from <paramref name="eps"/> until the energy
    /// change of one leapfrog step from a fresh momentum crosses log 0.8.
    /// </summary>
    public static double FindReasonableStepSize(IDifferentiableDensity density, Metric metric, ReadOnlySpan<double> q0, double logp0, ReadOnlySpan<double> g0, double eps, Rng rng)
    {
        var n = q0.Length;
        var qStart = q0.ToArray();
        var gStart = g0.ToArray();
        var q = new double[n];
        var p = new double[n];
        var g = new double[n];
        var s = new double[n];
        double DeltaH()
        {
            qStart.CopyTo(q, 0);
            gStart.CopyTo(g, 0);
            metric.SampleMomentum(rng, p);
            var h0 = Hamiltonian(logp0, metric, p);
            var logp = Step(density, metric, q, p, g, eps, s);
            return h0 - Hamiltonian(logp, metric, p);
        }
        var logTarget = Math.Log(0.8);
        var direction = DeltaH() > logTarget ? 1 : -1;
        for (var k = 0; k < 100; k++)
        {
            var d = DeltaH();
            if (direction == 1 && !(d > logTarget)) break;
            if (direction == -1 && !(d < logTarget)) break;
            eps = direction == 1 ? eps * 2 : eps * 0.5;
            if (eps > 1e7 || eps < 1e-300) throw new InferenceException($"Step-size initialisation failed (ε = {eps}): the posterior may be improper or the density flat.");
        }
        return eps;
    }
}
