// Only the ECharts parts the wall uses, to keep the bundle small.
import * as echarts from 'echarts/core';
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import { GridSimpleComponent, type GridComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridSimpleComponent, CanvasRenderer]);

export type SparkOption = echarts.ComposeOption<LineSeriesOption | GridComponentOption>;
export type Chart = echarts.ECharts;
export { echarts };
