using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// Leapfrog integration of N Hamiltonian trajectories at once: positions and momenta [N, D], one step size
/// per trajectory ([N, 1]) and a diagonal inverse metric ([D] or [N, D]); gradients by TorchSharp autograd
/// of the summed batched log density (the particles are independent, so the sum's gradient is the
/// per-particle gradient).
/// </summary>
internal static class BatchedLeapfrog
{
    public static (Tensor LogDensity, Tensor Gradient) ValueAndGradient(Func<Tensor, Tensor> logDensity, Tensor q)
    {
        using var eg = enable_grad();
        var x = q.detach().requires_grad_(true);
        var lp = logDensity(x);
        var g = autograd.grad(new[] { lp.sum() }, new[] { x })[0];
        // A NaN gradient (a particle outside the support) must not poison the others: it is rejected by its −∞/NaN density.
        return (lp.detach(), g.detach().nan_to_num(0, 0, 0));
    }

    public static (Tensor Q, Tensor P, Tensor LogDensity, Tensor Gradient) Integrate(Func<Tensor, Tensor> logDensity, Tensor q, Tensor p,
        Tensor gradient, Tensor stepSize, Tensor inverseMetric, int steps)
    {
        Tensor lp = null!;
        var half = stepSize.Times(0.5);
        p = p.Plus(half * gradient);
        for (var s = 0; s < steps; s++)
        {
            q = q.Plus(stepSize * inverseMetric * p);
            (lp, gradient) = ValueAndGradient(logDensity, q);
            p = s == steps - 1 ? p.Plus(half * gradient) : p.Plus(stepSize * gradient);
        }
        return (q, p, lp, gradient);
    }
}
