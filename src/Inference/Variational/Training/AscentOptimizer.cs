using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// Adam (Ppl's one, <see cref="Optimization.AdamWOptimizer"/>) or plain SGD over arbitrary leaf tensors, descending
/// on the gradients they hold. TorchSharp's optimisers take <c>Parameter</c> objects, and wrapping a store's tensors
/// in new Parameters would take over their native handles; updating the tensors in place keeps the stores, modules
/// and checkpoints pointing at the same storage.
/// </summary>
internal sealed class AscentOptimizer
{
    private readonly List<Tensor> _parameters;
    private readonly double _lr;
    private readonly Optimization.AdamWOptimizer? _adam;

    public AscentOptimizer(List<Tensor> parameters, OptimizerKind kind, double learningRate)
    {
        _parameters = parameters;
        _lr = learningRate;
        if (kind == OptimizerKind.Adam) _adam = new Optimization.AdamWOptimizer(parameters, learningRate);
    }

    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.grad?.zero_();
    }

    /// <summary>One descent step on the current gradients (Adam: β = (0.9, 0.999), ε = 1e-8, bias-corrected).</summary>
    public void Step()
    {
        if (_adam is not null)
        {
            _adam.Step();
            return;
        }
        using var ng = no_grad();
        using var scope = NewDisposeScope();
        foreach (var p in _parameters)
            if (p.grad is { } g) p.sub_(g.Times(_lr));
    }
}
