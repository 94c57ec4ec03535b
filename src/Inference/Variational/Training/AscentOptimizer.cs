using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// Adam and plain SGD over arbitrary leaf tensors, descending on the gradients they hold. TorchSharp's
/// optimisers take <c>Parameter</c> objects, and wrapping a store's tensors in new Parameters would take
/// over their native handles; updating the tensors in place keeps the stores, modules and checkpoints
/// pointing at the same storage.
/// </summary>
internal sealed class AscentOptimizer
{
    private readonly List<Tensor> _parameters;
    private readonly OptimizerKind _kind;
    private readonly double _lr;
    private readonly List<Tensor> _m = new();
    private readonly List<Tensor> _v = new();
    private int _t;

    public AscentOptimizer(List<Tensor> parameters, OptimizerKind kind, double learningRate)
    {
        _parameters = parameters;
        _kind = kind;
        _lr = learningRate;
        if (kind == OptimizerKind.Adam)
        {
            foreach (var p in parameters)
            {
                _m.Add(zeros_like(p).DetachFromDisposeScope());
                _v.Add(zeros_like(p).DetachFromDisposeScope());
            }
        }
    }

    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.grad?.zero_();
    }

    /// <summary>One descent step on the current gradients (Adam: β = (0.9, 0.999), ε = 1e-8, bias-corrected).</summary>
    public void Step()
    {
        using var ng = no_grad();
        _t++;
        for (var i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            if (p.grad is not { } g) continue;
            if (_kind == OptimizerKind.Sgd)
            {
                p.sub_(g.Times(_lr));
                continue;
            }
            _m[i].MulInPlace(0.9).AddInPlace(g.Times(0.1));
            _v[i].MulInPlace(0.999).AddInPlace(g.Squared().Times(0.001));
            var mHat = _m[i].Over(1 - Math.Pow(0.9, _t));
            var vHat = _v[i].Over(1 - Math.Pow(0.999, _t));
            p.sub_((mHat / vHat.sqrt().Plus(1e-8)).Times(_lr));
        }
    }
}
