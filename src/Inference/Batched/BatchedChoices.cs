using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// The choices of N executions at once: address → tensor whose leading dimension is the particle (or
/// chain) dimension N, or a tensor without it when the value is shared by all N (observed data).
/// Insertion order is kept so that flattening and printing are deterministic.
/// </summary>
public sealed class BatchedChoices
{
    private readonly Dictionary<Address, Tensor> _values = new();
    private readonly List<Address> _order = new();

    /// <summary>An empty map.</summary>
    public BatchedChoices() { }

    /// <summary>The number of addresses.</summary>
    public int Count => _order.Count;

    /// <summary>The addresses in insertion order.</summary>
    public IReadOnlyList<Address> Addresses => _order;

    /// <summary>The tensor at <paramref name="address"/>; throws <see cref="KeyNotFoundException"/> naming it when absent.</summary>
    public Tensor this[Address address] =>
        _values.TryGetValue(address, out var t) ? t : throw new KeyNotFoundException($"No batched choice at address '{address}'.");

    /// <summary>True when a value is stored at <paramref name="address"/>.</summary>
    public bool Contains(Address address) => _values.ContainsKey(address);

    /// <summary>The tensor at <paramref name="address"/> when present.</summary>
    public bool TryGet(Address address, out Tensor value)
    {
        if (_values.TryGetValue(address, out var t))
        {
            value = t;
            return true;
        }
        value = null!;
        return false;
    }

    /// <summary>Stores (or replaces) the value at <paramref name="address"/>; returns this map for chaining.</summary>
    public BatchedChoices Set(Address address, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_values.ContainsKey(address)) _order.Add(address);
        _values[address] = value;
        return this;
    }

    /// <summary>Stores a scalar shared by every particle, as a 0-d tensor of the given dtype on the given device.</summary>
    public BatchedChoices Set(Address address, double value, Device? device = null, ScalarType dtype = ScalarType.Float64) =>
        Set(address, tensor(value, dtype, device ?? CPU));

    /// <summary>
    /// Converts a scalar choice map (double, int, bool or tensor leaves) into shared tensors of
    /// <paramref name="dtype"/> on <paramref name="device"/>, for conditioning a batched model on data.
    /// </summary>
    public static BatchedChoices FromChoiceMap(ChoiceMap map, Device? device = null, ScalarType dtype = ScalarType.Float64)
    {
        ArgumentNullException.ThrowIfNull(map);
        var r = new BatchedChoices();
        foreach (var (address, value) in map.Leaves)
        {
            var t = value switch
            {
                double d => tensor(d, dtype, device ?? CPU),
                float f => tensor((double)f, dtype, device ?? CPU),
                int i => tensor((double)i, dtype, device ?? CPU),
                long l => tensor((double)l, dtype, device ?? CPU),
                bool b => tensor(b ? 1.0 : 0.0, dtype, device ?? CPU),
                double[] a => tensor(a, dtype, device ?? CPU),
                Tensor x => x.to(dtype, device ?? CPU),
                _ => throw new ArgumentException($"The choice at '{address}' has a value of type {value.GetType().Name}, which has no tensor form."),
            };
            r.Set(address, t);
        }
        return r;
    }

    /// <summary>
    /// A new map whose per-particle values (leading dimension <paramref name="particles"/>) are
    /// re-indexed by <paramref name="indices"/> (resampling); shared values are kept as they are.
    /// </summary>
    public BatchedChoices IndexSelect(Tensor indices, long particles)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var r = new BatchedChoices();
        foreach (var a in _order)
        {
            var t = _values[a];
            r.Set(a, t.dim() > 0 && t.shape[0] == particles ? t.index_select(0, indices) : t);
        }
        return r;
    }

    /// <summary>Copies every entry of <paramref name="other"/> into this map (later entries replace earlier ones).</summary>
    public BatchedChoices Merge(BatchedChoices other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var a in other._order) Set(a, other._values[a]);
        return this;
    }

    /// <summary>A shallow copy (the tensors are shared).</summary>
    public BatchedChoices Copy() => new BatchedChoices().Merge(this);

    /// <summary>Detaches every tensor from the current dispose scope so that it outlives it.</summary>
    public BatchedChoices MoveToOuterDisposeScope()
    {
        foreach (var a in _order) _values[a].MoveToOuterDisposeScope();
        return this;
    }

    /// <inheritdoc />
    public override string ToString() =>
        "{" + string.Join(", ", _order.Select(a => $"{a}: [{string.Join(", ", _values[a].shape)}]")) + "}";
}
