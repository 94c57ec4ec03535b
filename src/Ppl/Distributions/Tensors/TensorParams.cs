using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>Brings parameters to one floating dtype and device and broadcasts them.</summary>
internal static class TensorParams
{
    public static ScalarType FloatType(params Tensor[] ts)
    {
        var t = ts.Select(x => x.dtype).FirstOrDefault(d => d is ScalarType.Float64 or ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16, get_default_dtype());
        return ts.Any(x => x.dtype == ScalarType.Float64) ? ScalarType.Float64 : t;
    }

    /// <summary>Converts to a common float dtype on the first tensor's device and broadcasts (batch dims only).</summary>
    public static Tensor[] Broadcast(params Tensor[] ts)
    {
        foreach (var t in ts) ArgumentNullException.ThrowIfNull(t);
        var dtype = FloatType(ts);
        var device = ts[0].device;
        var conv = ts.Select(t => t.dtype == dtype && SameDevice(t.device, device) ? t : t.to(dtype, device)).ToArray();
        // Parameters of one shape (the usual case, e.g. a network's means and scales) need no broadcast call.
        return ts.Length == 1 || conv.All(t => t.shape.SequenceEqual(conv[0].shape)) ? conv : broadcast_tensors(conv).ToArray();
    }

    public static Tensor ToFloat(Tensor t, ScalarType dtype, Device device) =>
        t.dtype == dtype && SameDevice(t.device, device) ? t : t.to(dtype, device);

    public static bool SameDevice(Device a, Device b) => a.type == b.type && a.index == b.index;

    public static long[] BroadcastShapes(params long[][] shapes)
    {
        var n = shapes.Max(s => s.Length);
        var r = new long[n];
        for (var i = 0; i < n; i++)
        {
            long d = 1;
            foreach (var s in shapes)
            {
                var k = i - (n - s.Length);
                if (k < 0 || s[k] == 1) continue;
                if (d != 1 && d != s[k]) throw new ArgumentException($"Shapes [{string.Join(", ", shapes.Select(x => string.Join("x", x)))}] do not broadcast.");
                d = s[k];
            }
            r[i] = d;
        }
        return r;
    }
}
