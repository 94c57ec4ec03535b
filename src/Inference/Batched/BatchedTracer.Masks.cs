using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// Masks: the batched form of a branch on a random value. Both branches run for all N particles; while a
/// branch runs, its mask (a bool [N] tensor, combined with the masks of the branches around it) says which
/// particles take it, and every log density a site adds is kept only where the mask holds. A site reached
/// on both branches at the same address (exclusive in the scalar model) stores one value per particle: the
/// one of the branch that particle took.
/// </summary>
public sealed partial class BatchedTracer
{
    private readonly Stack<Tensor> _masks = new();
    private readonly Dictionary<Address, Tensor> _claimed = new();

    /// <summary>The particles the current branches are taken by (bool [N]), or null outside any branch on a random value.</summary>
    public Tensor? CurrentMask => _masks.Count == 0 ? null : _masks.Peek();

    /// <summary>
    /// Enters a branch taken by the particles where <paramref name="mask"/> holds (a bool or 0/1 tensor,
    /// [N] or shared), within the current branch; <see cref="PopMask"/> leaves it.
    /// </summary>
    public void PushMask(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var m = BatchedOps.Mask(mask).to(Device).expand(Particles);
        _masks.Push(_masks.Count == 0 ? m : _masks.Peek().logical_and(m));
    }

    /// <summary>Leaves the branch entered by the last <see cref="PushMask"/>.</summary>
    public void PopMask()
    {
        if (_masks.Count == 0) throw new InvalidOperationException("PopMask without a matching PushMask.");
        _masks.Pop();
    }

    /// <summary>A log density [N] kept where the current mask holds, 0 elsewhere (where, not a product: −∞ · 0 would be NaN).</summary>
    private Tensor ApplyMask(Tensor lp) => _masks.Count == 0 ? lp : where(_masks.Peek(), lp, zeros_like(lp));

    /// <summary>
    /// An address may be visited twice only under masks that no particle shares (the two branches of one
    /// random condition); any other reuse is the error the scalar tracer reports.
    /// </summary>
    private void CheckFresh(Address address)
    {
        if (!Choices.Contains(address)) return;
        if (_masks.Count > 0 && _claimed.TryGetValue(address, out var before) && !before.logical_and(_masks.Peek()).any().item<bool>()) return;
        throw new ModelException($"The address '{address}' was used twice in one execution of a batched model.", address);
    }

    /// <summary>Stores a value, merged with the one of the other branch when the address was visited under a disjoint mask.</summary>
    private Tensor SetChoice(Address address, Tensor value)
    {
        if (_masks.Count == 0)
        {
            Choices.Set(address, value);
            return value;
        }
        var mask = _masks.Peek();
        if (_claimed.TryGetValue(address, out var before) && Choices.TryGet(address, out var old))
        {
            var shape = mask.shape.Concat(Enumerable.Repeat(1L, Math.Max(0, (int)value.dim() - 1))).ToArray();
            var merged = where(mask.reshape(shape), value, old);
            Choices.Set(address, merged);
            _claimed[address] = before.logical_or(mask);
            return value;
        }
        Choices.Set(address, value);
        _claimed[address] = mask;
        return value;
    }
}
