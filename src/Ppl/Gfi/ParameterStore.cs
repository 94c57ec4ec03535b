using TorchSharp;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// The trainable parameters of a generative function: named TorchSharp tensors that require gradients.
/// Models ask for them with <see cref="ITracer.Param(string, Func{Tensor})"/>; optimisers read <see cref="All"/>;
/// <see cref="Save"/> and <see cref="Load"/> persist them.
/// </summary>
public sealed class ParameterStore
{
    private readonly Dictionary<string, Tensor> _parameters = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>The parameters, by name, in insertion order of names.</summary>
    public IReadOnlyDictionary<string, Tensor> All
    {
        get { lock (_gate) return new Dictionary<string, Tensor>(_parameters); }
    }

    /// <summary>Number of parameters.</summary>
    public int Count
    {
        get { lock (_gate) return _parameters.Count; }
    }

    /// <summary>The parameter called <paramref name="name"/>, created with <paramref name="init"/> on first use.</summary>
    public Tensor GetOrAdd(string name, Func<Tensor> init)
    {
        lock (_gate)
        {
            if (_parameters.TryGetValue(name, out var p)) return p;
            // A parameter outlives the step that first asks for it: keep it out of any enclosing dispose scope.
            var t = init().detach().clone().requires_grad_(true).DetachFromDisposeScope();
            if (!t.is_floating_point())
                throw new ArgumentException($"Parameter '{name}' must be a floating-point tensor, got {t.dtype}.");
            _parameters[name] = t;
            return t;
        }
    }

    /// <summary>
    /// Moves every parameter to <paramref name="device"/>, converting it to <paramref name="dtype"/> when one is given, as a
    /// new leaf that requires gradients (the old tensors, and references to them, are left as they were). Later
    /// <c>Param</c> calls return the moved tensors; move before an optimiser takes the list.
    /// </summary>
    public void MoveTo(Device device, ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (dtype is { } d && d is not (ScalarType.Float64 or ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new ArgumentException($"Parameters must be floating-point; {d} is not.", nameof(dtype));
        lock (_gate)
        {
            foreach (var name in _parameters.Keys.ToArray())
            {
                var p = _parameters[name];
                var sameDevice = p.device.type == device.type && (device.type == DeviceType.CPU || p.device.index == device.index);
                if (sameDevice && (dtype is null || p.dtype == dtype)) continue;
                using var moved = p.detach().to(dtype ?? p.dtype, device);
                _parameters[name] = moved.clone().requires_grad_(true).DetachFromDisposeScope();
            }
        }
    }

    /// <summary>Zeroes the gradients of every parameter.</summary>
    public void ZeroGradients()
    {
        lock (_gate)
            foreach (var p in _parameters.Values)
                p.grad?.zero_();
    }

    /// <summary>Writes every parameter to a file (TorchSharp's format, by name).</summary>
    public void Save(string path)
    {
        lock (_gate)
        {
            using var stream = File.Create(path);
            using var writer = new BinaryWriter(stream);
            writer.Write(_parameters.Count);
            foreach (var (name, t) in _parameters.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                writer.Write(name);
                t.detach().cpu().Save(writer);
            }
        }
    }

    /// <summary>Reads parameters written by <see cref="Save"/>, replacing values of parameters with the same names.</summary>
    public void Load(string path)
    {
        lock (_gate)
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            var n = reader.ReadInt32();
            for (var i = 0; i < n; i++)
            {
                var name = reader.ReadString();
                var loaded = Tensor.Load(reader);
                if (_parameters.TryGetValue(name, out var existing))
                {
                    using (no_grad()) existing.copy_(loaded.to(existing.device));
                }
                else
                {
                    _parameters[name] = loaded.requires_grad_(true);
                }
            }
        }
    }
}
